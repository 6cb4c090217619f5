/**
 * API.md "Rate limits": sign-ups per client IP, failed sign-ins per account and per IP,
 * on our seed routes and Better Auth's own, shared across routes and instances, keyed on
 * the real client IP (X-Forwarded-For only from trusted proxies), and cheap when refused.
 *
 * The counters live in the database, which outlives a test (and, on PostgreSQL, a run):
 * every test uses fresh accounts and its own client IPs, never an empty table.
 */
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import http from 'node:http'
import { after, before, describe, it } from 'node:test'
import { eq } from 'drizzle-orm'
import { session as sessionTable, user } from '../src/db/schema.js'
import { createClientIpResolver } from '../src/http/client-ip.js'
import {
  closeDatabases,
  drivers,
  problem,
  STRONG_PASSWORD,
  startTestApp,
  type TestApp,
  uniqueEmail,
} from './support/harness.js'

after(closeDatabases)

const LIMITS = {
  RATE_LIMIT_SIGNUP_PER_HOUR: '3',
  RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '3',
  RATE_LIMIT_SIGNIN_FAILURES_PER_IP: '5',
}
const BEHIND_PROXY = { ...LIMITS, TRUSTED_PROXIES: '127.0.0.1,::1' }
const WRONG_PASSWORD = 'not the right passphrase 7'

/** A client address no other test (or earlier run) has used. */
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`
/** A loopback address other than 127.0.0.1 (all of 127/8 reaches a server on 127.0.0.1 on Linux). */
const freshLoopback = () => `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`

type Route = 'seed' | 'better-auth'

/**
 * Requests from one client, seen by the app as `ip` through the trusted proxy 127.0.0.1.
 * Better Auth requests carry the app's Origin, as a browser page would: Node's fetch sends
 * `Sec-Fetch-Mode: cors`, for which Better Auth's CSRF check requires a trusted Origin.
 */
function client(t: TestApp, ip: string) {
  const headers = { 'x-forwarded-for': ip }
  const baHeaders = { ...headers, origin: t.config.publicUrl }
  return {
    signup(email: string, via: Route = 'seed', password = STRONG_PASSWORD) {
      return via === 'seed'
        ? t.post('/api/auth/signup', { email, password }, { headers })
        : t.post('/api/auth/sign-up/email', { email, password, name: 'Rate Test' }, { headers: baHeaders })
    },
    signin(email: string, password: string, via: Route = 'seed') {
      return via === 'seed'
        ? t.post('/api/auth/signin', { email, password }, { headers })
        : t.post('/api/auth/sign-in/email', { email, password }, { headers: baHeaders })
    },
  }
}

/** A new account, created from an address of its own so it costs no test its sign-up budget. */
async function newAccount(t: TestApp): Promise<string> {
  const email = uniqueEmail('rl')
  const res = await client(t, freshIp()).signup(email)
  assert.equal(res.status, 201, await res.text())
  return email
}

async function expectStatus(res: Response, status: number, what: string) {
  const text = await res.text()
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${text}`)
}

/** A 429 problem document with a usable Retry-After no longer than the window. */
async function expectLimited(res: Response, windowSeconds: number, what: string) {
  assert.equal(res.status, 429, `${what}: expected 429, got ${res.status}`)
  const retryAfter = res.headers.get('retry-after') ?? ''
  assert.match(retryAfter, /^\d+$/, `${what}: Retry-After must be whole seconds, got "${retryAfter}"`)
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= windowSeconds, `${what}: Retry-After ${retryAfter}`)
  const body = await problem(res)
  assert.equal(body.status, 429)
}

const HOUR = 3600
const FIFTEEN_MINUTES = 900

for (const driver of drivers()) {
  describe(`rate limits on ${driver}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver, BEHIND_PROXY)
    })
    after(async () => {
      await t?.close()
    })

    it('refuses the 4th sign-up from one client IP with 429, and creates no user', async () => {
      const c = client(t, freshIp())
      for (let i = 1; i <= 3; i++) await expectStatus(await c.signup(uniqueEmail('rl')), 201, `sign-up ${i}`)
      const refused = uniqueEmail('rl')
      await expectLimited(await c.signup(refused), HOUR, 'sign-up 4')
      // Not created: the same email is still free for another client.
      await expectStatus(await client(t, freshIp()).signup(refused), 201, 'the refused email from another IP')
    })

    it('blocks an account after 3 failed sign-ins, even with the right password and from another IP', async () => {
      const email = await newAccount(t)
      const ip = freshIp()
      const c = client(t, ip)
      for (let i = 1; i <= 3; i++) await expectStatus(await c.signin(email, WRONG_PASSWORD), 401, `failure ${i}`)
      await expectLimited(await c.signin(email, STRONG_PASSWORD), FIFTEEN_MINUTES, 'right password after 3 failures')
      await expectLimited(
        await client(t, freshIp()).signin(email, STRONG_PASSWORD),
        FIFTEEN_MINUTES,
        'same account from another IP',
      )
      // The account limit is about that account: another one signs in from the same IP.
      const other = await newAccount(t)
      await expectStatus(await c.signin(other, STRONG_PASSWORD), 200, 'another account from the same IP')
    })

    it('limits failed sign-ins per client IP across different emails and both routes', async () => {
      const c = client(t, freshIp())
      for (let i = 1; i <= 5; i++) {
        const via: Route = i % 2 ? 'seed' : 'better-auth'
        await expectStatus(await c.signin(uniqueEmail('nobody'), WRONG_PASSWORD, via), 401, `failure ${i} (${via})`)
      }
      const email = await newAccount(t)
      await expectLimited(await c.signin(email, STRONG_PASSWORD), FIFTEEN_MINUTES, '6th sign-in from the IP (seed)')
      await expectLimited(
        await c.signin(email, STRONG_PASSWORD, 'better-auth'),
        FIFTEEN_MINUTES,
        '6th sign-in from the IP (Better Auth)',
      )
      // Other clients are not affected.
      await expectStatus(await client(t, freshIp()).signin(email, STRONG_PASSWORD), 200, 'same account, other IP')
    })

    it("a successful sign-in resets the account's failure count", async () => {
      const email = await newAccount(t)
      const from = () => client(t, freshIp()) // a new IP per attempt: only the account limit is in play
      for (let i = 1; i <= 2; i++) await expectStatus(await from().signin(email, WRONG_PASSWORD), 401, `failure ${i}`)
      await expectStatus(await from().signin(email, STRONG_PASSWORD), 200, 'success after 2 failures')
      for (let i = 1; i <= 3; i++) {
        await expectStatus(await from().signin(email, WRONG_PASSWORD), 401, `failure ${i} after the success`)
      }
      await expectLimited(await from().signin(email, WRONG_PASSWORD), FIFTEEN_MINUTES, '4th failure after the success')
    })

    it('a successful Better Auth sign-in resets the count shared with the seed route', async () => {
      const email = await newAccount(t)
      const from = () => client(t, freshIp())
      for (let i = 1; i <= 2; i++) await expectStatus(await from().signin(email, WRONG_PASSWORD), 401, `failure ${i}`)
      await expectStatus(await from().signin(email, STRONG_PASSWORD, 'better-auth'), 200, 'Better Auth success')
      for (let i = 1; i <= 3; i++) {
        await expectStatus(await from().signin(email, WRONG_PASSWORD), 401, `failure ${i} after the success`)
      }
      await expectLimited(await from().signin(email, STRONG_PASSWORD), FIFTEEN_MINUTES, 'after 3 new failures')
    })

    it('a rate-limited sign-in answers without hashing a password', async (ctx) => {
      const accounts = [await newAccount(t), await newAccount(t), await newAccount(t)]
      const timed = async (email: string, status: number) => {
        const started = performance.now()
        const res = await client(t, freshIp()).signin(email, WRONG_PASSWORD)
        const ms = performance.now() - started
        await expectStatus(res, status, `timed sign-in for ${email}`)
        return ms
      }
      const failed: number[] = []
      for (const email of accounts) for (let i = 0; i < 3; i++) failed.push(await timed(email, 401))
      const limited: number[] = []
      for (let i = 0; i < 9; i++) limited.push(await timed(accounts[0] as string, 429))
      const m401 = median(failed)
      const m429 = median(limited)
      ctx.diagnostic(`median 401 ${m401.toFixed(1)} ms, median 429 ${m429.toFixed(1)} ms`)
      assert.ok(
        m429 < 0.5 * m401,
        `429s should skip argon2: median 429 ${m429.toFixed(1)} ms vs median 401 ${m401.toFixed(1)} ms`,
      )
    })

    it('a refused sign-in waits SIGNIN_REFUSAL_DELAY_MS before its 429, without holding up anyone else', async () => {
      const slow = await startTestApp(driver, { ...BEHIND_PROXY, SIGNIN_REFUSAL_DELAY_MS: '400' })
      try {
        const c = client(slow, freshIp())
        for (let i = 1; i <= 5; i++)
          await expectStatus(await c.signin(uniqueEmail('tp'), WRONG_PASSWORD), 401, `failure ${i}`)
        const started = performance.now()
        const refusals = [1, 2, 3, 4].map(() => c.signin(uniqueEmail('tp'), WRONG_PASSWORD, 'better-auth'))
        refusals.push(c.signin(uniqueEmail('tp'), WRONG_PASSWORD))
        // While they wait, an honest user is answered: the pause holds a timer, not the process.
        const honest = await client(slow, freshIp()).signup(uniqueEmail('tp'))
        await expectStatus(honest.clone(), 201, 'an honest sign-up during the pauses')
        const { user, token } = (await honest.json()) as { user: { id: string }; token: string }
        const list = await slow.get(`/api/${user.id}/tasks`, token)
        await expectStatus(list, 200, 'an honest request during the pauses')
        const listedAt = performance.now() - started
        for (const res of await Promise.all(refusals))
          await expectLimited(res, FIFTEEN_MINUTES, 'refused during the pause')
        const refusedAt = performance.now() - started
        assert.ok(refusedAt >= 400, `the 429s came after ${refusedAt.toFixed(0)} ms`)
        assert.ok(listedAt < refusedAt, 'the honest user did not wait for the refusals')
      } finally {
        await slow.close()
      }
    })

    it('Better Auth sign-up/email shares the per-IP sign-up limit with /api/auth/signup', async () => {
      const c = client(t, freshIp())
      await expectStatus(await c.signup(uniqueEmail('rl'), 'seed'), 201, 'seed sign-up 1')
      await expectStatus(await c.signup(uniqueEmail('rl'), 'better-auth'), 200, 'Better Auth sign-up 2')
      await expectStatus(await c.signup(uniqueEmail('rl'), 'seed'), 201, 'seed sign-up 3')
      const refused = uniqueEmail('rl')
      await expectLimited(await c.signup(refused, 'better-auth'), HOUR, 'Better Auth sign-up 4')
      await expectLimited(await c.signup(uniqueEmail('rl'), 'seed'), HOUR, 'seed sign-up 5')
      await expectStatus(await client(t, freshIp()).signup(refused, 'better-auth'), 200, 'refused email, other IP')
    })

    it('Better Auth sign-in/email shares the per-account failure count with /api/auth/signin', async () => {
      const email = await newAccount(t)
      const from = () => client(t, freshIp())
      await expectStatus(await from().signin(email, WRONG_PASSWORD, 'seed'), 401, 'seed failure')
      const baFailure = await from().signin(email, WRONG_PASSWORD, 'better-auth')
      assert.equal(baFailure.status, 401)
      assert.equal((await problem(baFailure)).status, 401)
      await expectStatus(await from().signin(email, WRONG_PASSWORD, 'seed'), 401, 'seed failure')
      await expectLimited(await from().signin(email, STRONG_PASSWORD, 'better-auth'), FIFTEEN_MINUTES, 'Better Auth')
      await expectLimited(await from().signin(email, STRONG_PASSWORD, 'seed'), FIFTEEN_MINUTES, 'seed')
    })

    it('two app instances on one database share the counters', async () => {
      const t2 = await startTestApp(driver, BEHIND_PROXY)
      try {
        const ip = freshIp()
        const [a, b] = [client(t, ip), client(t2, ip)]
        await expectStatus(await a.signup(uniqueEmail('rl')), 201, 'sign-up 1 on app 1')
        await expectStatus(await b.signup(uniqueEmail('rl')), 201, 'sign-up 2 on app 2')
        await expectStatus(await a.signup(uniqueEmail('rl')), 201, 'sign-up 3 on app 1')
        await expectLimited(await b.signup(uniqueEmail('rl')), HOUR, 'sign-up 4 on app 2')

        const email = await newAccount(t)
        const [x, y] = [client(t, freshIp()), client(t2, freshIp())]
        await expectStatus(await x.signin(email, WRONG_PASSWORD), 401, 'failure 1 on app 1')
        await expectStatus(await y.signin(email, WRONG_PASSWORD), 401, 'failure 2 on app 2')
        await expectStatus(await x.signin(email, WRONG_PASSWORD, 'better-auth'), 401, 'failure 3 on app 1')
        await expectLimited(await y.signin(email, STRONG_PASSWORD), FIFTEEN_MINUTES, 'right password on app 2')
      } finally {
        await t2.close()
      }
    })

    it('records the client IP from the trusted proxy on the session, ignoring a client-sent internal header', async () => {
      const email = await newAccount(t)
      const ip = freshIp()
      for (const path of ['/api/auth/signin', '/api/auth/sign-in/email']) {
        const res = await t.post(
          path,
          { email, password: STRONG_PASSWORD },
          {
            headers: {
              'x-forwarded-for': `198.51.100.7, ${ip}`,
              'x-taskwell-client-ip': '192.0.2.66',
              origin: t.config.publicUrl,
            },
          },
        )
        assert.equal(res.status, 200)
        const { token, session_token } = (await res.json()) as { token: string; session_token?: string }
        const [row] = await t.services.database.db
          .select({ ip: sessionTable.ipAddress })
          .from(sessionTable)
          .where(eq(sessionTable.token, session_token ?? token))
        assert.equal(row?.ip, ip, `${path} stores the rightmost untrusted hop`)
      }
    })

    describe('X-Forwarded-For from an untrusted peer is ignored', () => {
      let loopbackUsable = false
      before(async () => {
        loopbackUsable = await canBind(freshLoopback())
      })

      it('without TRUSTED_PROXIES, rotating X-Forwarded-For does not escape the sign-up limit', async (ctx) => {
        if (!loopbackUsable) return ctx.skip('this system cannot bind 127.x.y.z client addresses')
        const u = await startTestApp(driver, LIMITS)
        try {
          const peer = freshLoopback()
          for (let i = 1; i <= 3; i++) {
            const res = await fromPeer(u, peer, '/api/auth/signup', {
              email: uniqueEmail('rl'),
              password: STRONG_PASSWORD,
            })
            assert.equal(res.status, 201, `sign-up ${i}: ${res.text}`)
          }
          const res = await fromPeer(u, peer, '/api/auth/signup', {
            email: uniqueEmail('rl'),
            password: STRONG_PASSWORD,
          })
          assert.equal(res.status, 429, res.text)
          assert.match(res.headers['retry-after'] as string, /^\d+$/)
          // Another socket address is another client.
          const other = await fromPeer(u, freshLoopback(), '/api/auth/signup', {
            email: uniqueEmail('rl'),
            password: STRONG_PASSWORD,
          })
          assert.equal(other.status, 201, other.text)
        } finally {
          await u.close()
        }
      })

      it('without TRUSTED_PROXIES, rotating X-Forwarded-For does not escape the per-IP sign-in limit', async (ctx) => {
        if (!loopbackUsable) return ctx.skip('this system cannot bind 127.x.y.z client addresses')
        const u = await startTestApp(driver, LIMITS)
        try {
          const peer = freshLoopback()
          for (let i = 1; i <= 5; i++) {
            const res = await fromPeer(u, peer, '/api/auth/signin', {
              email: uniqueEmail('nobody'),
              password: WRONG_PASSWORD,
            })
            assert.equal(res.status, 401, `failure ${i}: ${res.text}`)
          }
          const res = await fromPeer(u, peer, '/api/auth/sign-in/email', {
            email: uniqueEmail('nobody'),
            password: WRONG_PASSWORD,
          })
          assert.equal(res.status, 429, res.text)
        } finally {
          await u.close()
        }
      })

      it('with TRUSTED_PROXIES, a peer that is not one of them cannot pick its IP either', async (ctx) => {
        if (!loopbackUsable) return ctx.skip('this system cannot bind 127.x.y.z client addresses')
        const peer = freshLoopback() // not 127.0.0.1, so not trusted
        for (let i = 1; i <= 3; i++) {
          const res = await fromPeer(t, peer, '/api/auth/signup', {
            email: uniqueEmail('rl'),
            password: STRONG_PASSWORD,
          })
          assert.equal(res.status, 201, `sign-up ${i}: ${res.text}`)
        }
        const res = await fromPeer(t, peer, '/api/auth/sign-up/email', {
          email: uniqueEmail('rl'),
          password: STRONG_PASSWORD,
          name: 'Rate Test',
        })
        assert.equal(res.status, 429, res.text)
      })
    })
  })
}

describe('createClientIpResolver', () => {
  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    assert.equal(createClientIpResolver([])('127.0.0.1', '203.0.113.5'), '127.0.0.1')
    const resolve = createClientIpResolver(['10.0.0.1'])
    assert.equal(resolve('192.0.2.9', '203.0.113.5'), '192.0.2.9')
    assert.equal(resolve('192.0.2.9', '10.0.0.1, 203.0.113.5'), '192.0.2.9')
  })

  it('uses the socket address when there is no X-Forwarded-For', () => {
    const resolve = createClientIpResolver(['10.0.0.1'])
    assert.equal(resolve('10.0.0.1', undefined), '10.0.0.1')
    assert.equal(resolve('203.0.113.5', ''), '203.0.113.5')
  })

  it('behind trusted proxies, takes the rightmost hop that is not trusted', () => {
    const resolve = createClientIpResolver(['10.0.0.1', '10.0.0.2'])
    assert.equal(resolve('10.0.0.1', '203.0.113.5'), '203.0.113.5')
    // The client may prepend anything; only hops our proxies appended count.
    assert.equal(resolve('10.0.0.1', '198.51.100.1, 203.0.113.5, 10.0.0.2'), '203.0.113.5')
    assert.equal(resolve('10.0.0.1', '198.51.100.1,203.0.113.5'), '203.0.113.5')
    // Every hop trusted: the leftmost is the best we know.
    assert.equal(resolve('10.0.0.1', '10.0.0.2, 10.0.0.1'), '10.0.0.2')
  })

  it('trusts CIDR blocks, IPv4 and IPv6', () => {
    const resolve = createClientIpResolver(['10.0.0.0/8', 'fd00::/8'])
    assert.equal(resolve('10.20.30.40', '203.0.113.5, 10.1.1.1'), '203.0.113.5')
    assert.equal(resolve('fd12::1', '2001:db8::7'), '2001:db8::7')
    assert.equal(resolve('11.0.0.1', '203.0.113.5'), '11.0.0.1', 'outside the block')
    assert.equal(resolve('fe80::1', '2001:db8::7'), 'fe80::1', 'outside the IPv6 block')
  })

  it('does not let garbage hops pick the address', () => {
    const resolve = createClientIpResolver(['10.0.0.1'])
    // Garbage the client put in front of its real address is never reached.
    assert.equal(resolve('10.0.0.1', 'garbage, 203.0.113.5'), '203.0.113.5')
    // Garbage where an address must be: fall back to the peer, never to a client-chosen value.
    assert.equal(resolve('10.0.0.1', 'not-an-ip'), '10.0.0.1')
    assert.equal(resolve('10.0.0.1', '203.0.113.5, <script>'), '10.0.0.1')
    assert.equal(resolve('10.0.0.1', '203.0.113.5:4711'), '10.0.0.1')
    assert.equal(resolve('10.0.0.1', ' , ,203.0.113.5, '), '203.0.113.5')
  })

  it('treats ::ffff:-mapped IPv4 as the plain IPv4 address', () => {
    const resolve = createClientIpResolver(['127.0.0.1'])
    assert.equal(resolve('::ffff:203.0.113.9', undefined), '203.0.113.9')
    assert.equal(resolve('::ffff:127.0.0.1', '203.0.113.5'), '203.0.113.5', 'a mapped trusted peer is trusted')
    assert.equal(resolve('127.0.0.1', '::ffff:198.51.100.4'), '198.51.100.4', 'a mapped hop')
    assert.equal(createClientIpResolver(['::ffff:10.0.0.1'])('10.0.0.1', '203.0.113.5'), '203.0.113.5')
  })
})

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

type RawResponse = { status: number; headers: http.IncomingHttpHeaders; text: string }

/** POSTs JSON from the socket address `localAddress`, with a different X-Forwarded-For each time. */
function fromPeer(t: TestApp, localAddress: string, path: string, body: unknown): Promise<RawResponse> {
  const url = new URL(path, t.url)
  const payload = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-forwarded-for': freshIp(),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** Whether a client socket can use `address` as its source address here. */
function canBind(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = http.createServer((_, res) => res.end())
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      const req = http.get({ host: '127.0.0.1', port, localAddress: address, agent: false }, (res) => {
        res.resume()
        res.on('end', () => server.close(() => resolve(true)))
      })
      req.on('error', () => server.close(() => resolve(false)))
    })
  })
}

describe('form bodies on Better Auth’s own routes', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp('pglite', { RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '3' })
  })
  after(() => t.close())

  const form = (path: string, fields: Record<string, string>) =>
    t.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.config.publicUrl },
      body: new URLSearchParams(fields).toString(),
    })

  it('are refused with 415, so no sign-in escapes the limits and no sign-up the password rules', async () => {
    const email = uniqueEmail('form')
    for (let i = 0; i < 6; i++) {
      const res = await form('/api/auth/sign-in/email', { email, password: `guess ${i}` })
      assert.equal(res.status, 415)
    }
    const weak = await form('/api/auth/sign-up/email', { email, password: 'a', name: 'Form' })
    assert.equal(weak.status, 415)
    const stored = await t.services.database.db.select().from(user).where(eq(user.email, email))
    assert.equal(stored.length, 0)
  })
})

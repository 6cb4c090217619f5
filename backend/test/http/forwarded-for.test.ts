/**
 * Whose X-Forwarded-For the API believes when it sits behind the web app on one machine
 * (`npm start`): the web app's proxy alone proves itself with TRUSTED_PROXY_SECRET, so another
 * local process (or a request an SSRF makes from the machine) that claims an address is counted
 * under its own, and cannot escape the per-IP limits by rotating the header.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { before, it } from 'node:test'
import { eq } from 'drizzle-orm'
import { session as sessionTable } from '../../src/db/schema.js'
import { PROXY_SECRET_HEADER } from '../../src/http/client-ip.js'
import { canBind, freshLoopback } from '../rate-limits/support.js'
import { freshIp } from '../support/clients.js'
import { describeWithApp, STRONG_PASSWORD, startTestApp, type TestApp, uniqueEmail } from '../support/harness.js'

const SECRET = randomBytes(32).toString('base64url')
/** Any local process is at a trusted proxy's address: the whole loopback network. */
const ON_ONE_MACHINE = { TRUSTED_PROXIES: '127.0.0.0/8,::1', TRUSTED_PROXY_SECRET: SECRET }

/** A sign-up sent from `localAddress` with `headers`; its status. */
function signUpFrom(t: TestApp, localAddress: string, headers: Record<string, string>): Promise<number> {
  const url = new URL('/api/auth/signup', t.url)
  const payload = JSON.stringify({ email: uniqueEmail('xff'), password: STRONG_PASSWORD })
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

describeWithApp('X-Forwarded-For on one machine', ON_ONE_MACHINE, (t, driver) => {
  /** The address the API recorded for a sign-in sent with `headers`. */
  async function recordedAddress(headers: Record<string, string>): Promise<string | null | undefined> {
    const email = uniqueEmail('xff')
    assert.equal((await t.post('/api/auth/signup', { email, password: STRONG_PASSWORD })).status, 201)
    const res = await t.post('/api/auth/signin', { email, password: STRONG_PASSWORD }, { headers })
    assert.equal(res.status, 200)
    const { session_token } = (await res.json()) as { session_token: string }
    const [row] = await t.services.database.db
      .select({ ip: sessionTable.ipAddress })
      .from(sessionTable)
      .where(eq(sessionTable.token, session_token))
    return row?.ip
  }

  it('a local client claiming an address without the secret is recorded under its own', async () => {
    const claimed = freshIp()
    assert.equal(await recordedAddress({ 'x-forwarded-for': claimed }), '127.0.0.1')
    const wrong = { 'x-forwarded-for': claimed, [PROXY_SECRET_HEADER]: `${SECRET.slice(0, -1)}x` }
    assert.equal(await recordedAddress(wrong), '127.0.0.1', 'nor with a wrong secret')
  })

  it("the web app's proxy, which sends the secret, is believed", async () => {
    const claimed = freshIp()
    assert.equal(await recordedAddress({ 'x-forwarded-for': claimed, [PROXY_SECRET_HEADER]: SECRET }), claimed)
  })

  let loopbackUsable = false
  before(async () => {
    loopbackUsable = await canBind(freshLoopback())
  })

  it('rotating X-Forwarded-For from a local process does not escape the per-IP sign-up limit', async (ctx) => {
    if (!loopbackUsable) return ctx.skip('this system cannot bind 127.x.y.z client addresses')
    const limited = await startTestApp(driver, { ...ON_ONE_MACHINE, RATE_LIMIT_SIGNUP_PER_HOUR: '2' })
    try {
      const local = freshLoopback()
      const statuses: number[] = []
      for (let i = 0; i < 3; i++) statuses.push(await signUpFrom(limited, local, { 'x-forwarded-for': freshIp() }))
      assert.deepEqual(statuses, [201, 201, 429], 'counted under the local address, whatever it claims')
      // The proxy's clients are told apart by the address it vouches for.
      const proxy = freshLoopback()
      for (let i = 0; i < 3; i++) {
        const status = await signUpFrom(limited, proxy, { 'x-forwarded-for': freshIp(), [PROXY_SECRET_HEADER]: SECRET })
        assert.equal(status, 201, `client ${i + 1} behind the proxy`)
      }
    } finally {
      await limited.close()
    }
  })
})

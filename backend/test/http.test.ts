/**
 * The HTTP layer every route shares (API.md "Conventions" and "Operations"): body limits and
 * media types, problem documents for unknown routes and methods, secure headers, CORS and the
 * Origin check, probes, request ids, what reaches the logs, graceful shutdown, configuration.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { createApp } from '../src/app.js'
import { ConfigError, loadConfig } from '../src/config.js'
import { openDb } from '../src/db/client.js'
import { migrate } from '../src/db/migrate.js'
import { listen } from '../src/http/listen.js'
import { freePort } from './support/free-port.js'
import {
  closeDatabases,
  type Driver,
  drivers,
  problem,
  STRONG_PASSWORD,
  startTestApp,
  TEST_SECRET,
  type TestApp,
  uniqueEmail,
} from './support/harness.js'

after(closeDatabases)

/** One real server process: on PostgreSQL when there is one, else on PGlite in a temp dir. */
const SPAWN_DRIVER: Driver = process.env.TEST_DATABASE_URL ? 'pg' : 'pglite'
let spawned: Promise<Spawned> | undefined
// Started first, so its start-up overlaps the in-process tests.
before(() => {
  spawned = spawnServer(SPAWN_DRIVER)
  spawned.catch(() => {}) // reported by the test that awaits it
})
after(async () => {
  ;(await spawned?.catch(() => undefined))?.kill()
})

const BACKEND_DIR = fileURLToPath(new URL('..', import.meta.url))
const APP_ORIGIN = 'https://app.example.com'
const EVIL_ORIGIN = 'https://evil.example'
const KIB = 1024

for (const driver of drivers()) {
  describe(`HTTP conventions on ${driver}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver, { CORS_ORIGINS: APP_ORIGIN })
    })
    after(async () => {
      await t?.close()
    })

    const postRaw = (path: string, body: BodyInit, contentType?: string, headers: Record<string, string> = {}) =>
      t.fetch(path, {
        method: 'POST',
        headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers },
        body,
      })

    describe('request bodies', () => {
      it('answers a body over 64 KiB with a 413 problem the client can read, then serves new connections', async () => {
        for (const size of [65 * KIB, 5 * KIB * KIB]) {
          const body = JSON.stringify({ email: uniqueEmail('big'), password: 'x'.repeat(size) })
          const res = await postRaw('/api/auth/signup', body, 'application/json')
          assert.equal(res.status, 413, `${size} bytes with Content-Length`)
          assert.equal((await problem(res)).status, 413)

          // Without Content-Length (chunked), the limit is enforced while reading.
          const stream = new Blob([body]).stream()
          const chunked = await t.fetch('/api/auth/signup', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: stream,
            duplex: 'half',
          } as RequestInit)
          assert.equal(chunked.status, 413, `${size} bytes chunked`)
          assert.equal((await problem(chunked)).status, 413)
        }
        const baRes = await postRaw(
          '/api/auth/sign-up/email',
          JSON.stringify({ email: uniqueEmail('big'), password: 'x'.repeat(100 * KIB), name: 'Big' }),
          'application/json',
        )
        assert.equal(baRes.status, 413, "Better Auth's routes have the same limit")
        await problem(baRes)

        // The server is fine afterwards.
        assert.equal((await t.fetch('/healthz')).status, 200)
        await t.signup()
      })

      it('accepts a body of exactly 64 KiB (the limit is inclusive)', async () => {
        const skeleton = JSON.stringify({ email: uniqueEmail('edge'), password: '' })
        const body = skeleton.replace('"password":""', `"password":"${'x'.repeat(64 * KIB - skeleton.length)}"`)
        assert.equal(Buffer.byteLength(body), 64 * KIB)
        const res = await postRaw('/api/auth/signup', body, 'application/json')
        assert.equal(res.status, 422, 'read and validated (password too long), not refused for size')
        const over = await postRaw('/api/auth/signup', `${body} `, 'application/json')
        assert.equal(over.status, 413)
      })

      it('answers 415 when the body is not JSON', async () => {
        const json = JSON.stringify({ email: uniqueEmail(), password: STRONG_PASSWORD })
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
          const res = await postRaw('/api/auth/signup', json, type)
          assert.equal(res.status, 415, type)
          assert.equal((await problem(res)).status, 415)
        }
        const untyped = await postRaw('/api/auth/signin', new Blob([json]))
        assert.equal(untyped.status, 415, 'no Content-Type')
        await problem(untyped)
        // A JSON media type with parameters or a +json suffix is JSON.
        const withCharset = await postRaw('/api/auth/signin', json, 'application/json; charset=utf-8')
        assert.equal(withCharset.status, 401)
      })

      it('answers 400 for malformed JSON, an empty body and bytes that are not UTF-8', async () => {
        const cases: [string, BodyInit][] = [
          ['truncated JSON', '{"email": "a@example.com", "password": '],
          ['trailing comma', '{"email": "a@example.com",}'],
          ['empty body', ''],
          ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
        ]
        for (const [what, body] of cases) {
          const res = await postRaw('/api/auth/signup', body, 'application/json')
          assert.equal(res.status, 400, what)
          const doc = await problem(res)
          assert.equal(doc.status, 400)
          assert.doesNotMatch(JSON.stringify(doc), /SyntaxError|at JSON\.parse|Unexpected token/, 'no parser internals')
        }
      })
    })

    describe('routing', () => {
      it('answers unknown routes with a 404 problem', async () => {
        for (const [method, path] of [
          ['GET', '/nope'],
          ['GET', '/api/nope'],
          ['POST', '/api/nope/deeper'],
          ['DELETE', '/healthz/x'],
        ] as const) {
          const res = await t.fetch(path, { method })
          assert.equal(res.status, 404, `${method} ${path}`)
          const doc = await problem(res)
          assert.equal(doc.status, 404)
          assert.equal(doc.title, 'Not Found')
        }
      })

      it('answers a wrong method on an auth route with 405 and Allow', async () => {
        for (const [method, path] of [
          ['PUT', '/api/auth/sign-in/email'],
          ['DELETE', '/api/auth/sign-up/email'],
          ['PATCH', '/api/auth/signup'],
        ] as const) {
          const res = await t.fetch(path, { method, headers: { 'content-type': 'application/json' }, body: '{}' })
          assert.equal(res.status, 405, `${method} ${path}`)
          assert.match(res.headers.get('allow') ?? '', /POST/)
          assert.equal((await problem(res)).status, 405)
        }
      })
    })

    describe('browser defences', () => {
      it('sends secure headers on successes and errors alike', async () => {
        for (const res of [
          await t.fetch('/healthz'),
          await t.fetch('/api/nope'),
          await t.get('/api/me'),
          await postRaw('/api/auth/signin', 'not json', 'text/plain'),
        ]) {
          const h = res.headers
          const where = `${res.status} ${res.url}`
          assert.equal(h.get('x-content-type-options'), 'nosniff', where)
          assert.match(h.get('x-frame-options') ?? '', /^(DENY|SAMEORIGIN)$/i, where)
          assert.match(h.get('referrer-policy') ?? '', /no-referrer|same-origin|strict-origin/, where)
          assert.match(h.get('strict-transport-security') ?? '', /max-age=\d+/, where)
          assert.equal(h.get('cross-origin-resource-policy'), 'same-origin', where)
          assert.equal(h.get('x-powered-by'), null, where)
          await res.body?.cancel()
        }
      })

      it('answers a CORS preflight from an allowed origin with that origin and credentials', async () => {
        const res = await t.fetch('/api/auth/signin', {
          method: 'OPTIONS',
          headers: {
            origin: APP_ORIGIN,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type, authorization',
          },
        })
        assert.ok(res.status === 204 || res.status === 200, `preflight status ${res.status}`)
        assert.equal(res.headers.get('access-control-allow-origin'), APP_ORIGIN)
        assert.equal(res.headers.get('access-control-allow-credentials'), 'true')
        assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/)
        const allowHeaders = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase()
        assert.match(allowHeaders, /content-type/)
        assert.match(allowHeaders, /authorization/)
        assert.match(res.headers.get('vary') ?? '', /origin/i)
      })

      it('echoes an allowed origin on simple requests and exposes the headers clients need', async () => {
        const res = await t.get('/api/me', undefined, { origin: APP_ORIGIN })
        assert.equal(res.status, 401)
        assert.equal(res.headers.get('access-control-allow-origin'), APP_ORIGIN)
        assert.equal(res.headers.get('access-control-allow-credentials'), 'true')
        const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase()
        for (const name of ['location', 'retry-after', 'www-authenticate']) assert.match(exposed, new RegExp(name))
        await res.body?.cancel()
      })

      it('gives a disallowed origin no Access-Control-Allow-Origin, and never answers with *', async () => {
        const responses = [
          await t.fetch('/api/auth/signin', {
            method: 'OPTIONS',
            headers: { origin: EVIL_ORIGIN, 'access-control-request-method': 'POST' },
          }),
          await t.get('/api/me', undefined, { origin: EVIL_ORIGIN }),
          await t.get('/api/auth/jwks', undefined, { origin: EVIL_ORIGIN }),
          await t.get('/api/me', undefined, { origin: 'null' }),
        ]
        for (const res of responses) {
          assert.equal(res.headers.get('access-control-allow-origin'), null, `${res.status} ${res.url}`)
          await res.body?.cancel()
        }
        for (const origin of [APP_ORIGIN, EVIL_ORIGIN, undefined]) {
          const res = await t.get('/api/auth/jwks', undefined, origin ? { origin } : {})
          assert.notEqual(res.headers.get('access-control-allow-origin'), '*')
          await res.body?.cancel()
        }
      })

      it('refuses state-changing requests from other origins with a 403 problem', async () => {
        const email = uniqueEmail('csrf')
        const evil = await t.post(
          '/api/auth/signup',
          { email, password: STRONG_PASSWORD },
          { headers: { origin: EVIL_ORIGIN } },
        )
        assert.equal(evil.status, 403)
        assert.equal((await problem(evil)).status, 403)
        // Nothing happened: the email is still free.
        const allowed = await t.post(
          '/api/auth/signup',
          { email, password: STRONG_PASSWORD },
          { headers: { origin: APP_ORIGIN } },
        )
        assert.equal(allowed.status, 201, 'the same sign-up from the allowed origin')
        const { token } = (await allowed.json()) as { token: string }

        const evilOut = await t.post('/api/auth/signout', {}, { token, headers: { origin: EVIL_ORIGIN } })
        assert.equal(evilOut.status, 403)
        await problem(evilOut)
        assert.equal((await t.get('/api/me', token)).status, 200, 'the refused sign-out did not sign out')

        for (const origin of ['null', `${APP_ORIGIN}.evil.example`, 'http://app.example.com']) {
          const res = await t.post(
            '/api/auth/sign-in/email',
            { email, password: STRONG_PASSWORD },
            { headers: { origin } },
          )
          assert.equal(res.status, 403, `Better Auth route from ${origin}`)
          await problem(res)
        }

        // A cookie sent from a cross-site context without Origin is refused too.
        const crossSite = await t.post(
          '/api/auth/signout',
          {},
          { headers: { cookie: 'better-auth.session_token=x', 'sec-fetch-site': 'cross-site' } },
        )
        assert.equal(crossSite.status, 403)
        await problem(crossSite)

        const out = await t.post('/api/auth/signout', {}, { token, headers: { origin: APP_ORIGIN } })
        assert.equal(out.status, 204, 'sign-out from the allowed origin')
        assert.equal((await t.get('/api/me', token)).status, 401)
        const own = await t.post('/api/auth/signout', {}, { headers: { origin: t.config.publicUrl } })
        assert.equal(own.status, 204, "the app's own origin is allowed")
      })
    })

    describe('operations', () => {
      it('answers /healthz and /readyz with 200', async () => {
        for (const path of ['/healthz', '/readyz']) {
          const res = await t.fetch(path)
          assert.equal(res.status, 200, path)
          assert.deepEqual(await res.json(), { status: 'ok' })
        }
      })

      it('answers /readyz with a 503 problem and Retry-After once the database is closed', async () => {
        const database = await openDb({ url: driver === 'pg' ? process.env.TEST_DATABASE_URL : undefined })
        await migrate(database)
        const own = await startTestApp(driver, {}, { database })
        try {
          assert.equal((await own.fetch('/readyz')).status, 200)
          await database.close()
          const started = performance.now()
          const res = await own.fetch('/readyz')
          const ms = performance.now() - started
          assert.equal(res.status, 503)
          assert.match(res.headers.get('retry-after') ?? '', /^\d+$/)
          assert.ok(res.headers.get('x-request-id'), 'errors outside /api carry a request id too')
          assert.equal((await problem(res)).status, 503)
          assert.ok(ms < 1_500, `answered in ${Math.round(ms)} ms`)
          assert.equal((await own.fetch('/healthz')).status, 200, 'still alive, just not ready')
        } finally {
          await own.close()
        }
      })

      it('answers /readyz with 503 within 1.5 s when the database accepts connections but never replies', async () => {
        const blackHole = await startBlackHole()
        const silent = await openDb({ url: `postgres://nobody@127.0.0.1:${blackHole.port}/none` })
        const server = await listen(createApp({ ...t.services, database: silent }).fetch, 0, '127.0.0.1')
        try {
          const started = performance.now()
          const res = await fetch(`${server.url.replace('localhost', '127.0.0.1')}/readyz`)
          const ms = performance.now() - started
          assert.equal(res.status, 503)
          assert.match(res.headers.get('retry-after') ?? '', /^\d+$/)
          await problem(res)
          assert.ok(ms < 1_500, `answered in ${Math.round(ms)} ms`)
        } finally {
          await server.close(500)
          blackHole.close()
          await silent.close().catch(() => {})
        }
      })

      it('puts an x-request-id on every response, keeping a well-formed one the client sent', async () => {
        const responses = [
          await t.fetch('/healthz'),
          await t.fetch('/nope'),
          await t.get('/api/me'),
          await t.fetch('/api/auth/sign-in/email', { method: 'PUT' }),
          await postRaw('/api/auth/signup', 'x', 'text/plain'),
          await postRaw('/api/auth/signup', 'x'.repeat(70 * KIB), 'application/json'),
          await t.post('/api/auth/signup', {}, { headers: { origin: EVIL_ORIGIN } }),
          await t.fetch('/api/me', {
            method: 'OPTIONS',
            headers: { origin: APP_ORIGIN, 'access-control-request-method': 'GET' },
          }),
        ]
        const ids = new Set<string>()
        for (const res of responses) {
          const id = res.headers.get('x-request-id')
          assert.ok(id, `x-request-id on ${res.status} ${res.url}`)
          ids.add(id)
          await res.body?.cancel()
        }
        assert.equal(ids.size, responses.length, 'a new id per request')

        const echoed = await t.get('/healthz', undefined, { 'x-request-id': 'trace-abc_123' })
        assert.equal(echoed.headers.get('x-request-id'), 'trace-abc_123')
        for (const bad of ['has spaces in it', 'x'.repeat(65), 'new\\nline']) {
          const res = await t.get('/healthz', undefined, { 'x-request-id': bad })
          const id = res.headers.get('x-request-id') ?? ''
          assert.ok(id && id !== bad, `replaced ${JSON.stringify(bad)}`)
        }
      })

      it('logs requests with their id, but never passwords or tokens', async () => {
        const lines: string[] = []
        // A plain pino writing to memory, without the production redaction paths: what is
        // logged must be safe without them.
        const log = pino({ level: 'debug', base: undefined }, { write: (line: string) => void lines.push(line) })
        const consoleOutput: string[] = []
        const restoreConsole = captureConsole(consoleOutput) // Better Auth logs through console
        const own = await startTestApp(driver, {}, { log })
        const secrets: string[] = []
        const ids: string[] = []
        try {
          const password = `logged? ${crypto.randomUUID()}`
          const email = uniqueEmail('log')
          secrets.push(password)
          const up = await own.post('/api/auth/signup', { email, password })
          assert.equal(up.status, 201)
          ids.push(up.headers.get('x-request-id') ?? '')
          const signedUp = (await up.json()) as { token: string; session_token: string }
          const cookie = up.headers.getSetCookie().join('; ')
          secrets.push(signedUp.token, signedUp.session_token, ...cookieValues(cookie))

          const wrong = `wrong ${crypto.randomUUID()}`
          secrets.push(wrong)
          assert.equal((await own.post('/api/auth/signin', { email, password: wrong })).status, 401)
          const ba = await own.post(
            '/api/auth/sign-in/email',
            { email, password: wrong },
            { headers: { origin: own.config.publicUrl } },
          )
          assert.equal(ba.status, 401)
          const common = await own.post('/api/auth/signup', { email: uniqueEmail('log'), password: 'password123' })
          assert.equal(common.status, 422)

          const signin = await own.post('/api/auth/signin', { email, password })
          assert.equal(signin.status, 200)
          const signedIn = (await signin.json()) as { token: string; session_token: string }
          secrets.push(signedIn.token, signedIn.session_token)

          const me = await own.get('/api/me', signedIn.token)
          assert.equal(me.status, 200)
          ids.push(me.headers.get('x-request-id') ?? '')
          const fresh = await own.get('/api/auth/token', signedIn.session_token)
          assert.equal(fresh.status, 200)
          secrets.push(((await fresh.json()) as { token: string }).token)
          assert.equal((await own.get('/api/me', 'not-a-real-token-but-secret-looking')).status, 401)
          secrets.push('not-a-real-token-but-secret-looking')
          const out = await own.post('/api/auth/signout', {}, { token: signedIn.token })
          assert.equal(out.status, 204)
          ids.push(out.headers.get('x-request-id') ?? '')
        } finally {
          restoreConsole()
          await own.close()
        }

        const text = lines.join('') + consoleOutput.join('\n')
        for (const secret of secrets) {
          assert.ok(secret.length >= 8)
          assert.equal(text.includes(secret), false, `the logs contain a secret: ${secret.slice(0, 12)}…`)
        }
        const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
        const requests = records.filter((r) => r.msg === 'request')
        assert.ok(requests.length >= 9, `one line per request, got ${requests.length}`)
        for (const r of requests) {
          assert.equal(typeof r.reqId, 'string')
          assert.equal(typeof r.status, 'number')
          assert.equal(typeof r.path, 'string')
        }
        for (const id of ids)
          assert.ok(
            requests.some((r) => r.reqId === id),
            `a request line with reqId ${id}`,
          )
      })
    })
  })
}

describe(`graceful shutdown of a server process on ${SPAWN_DRIVER}`, () => {
  it('on SIGTERM finishes the request in flight with 201 and exits with code 0', async (ctx) => {
    const server = await (spawned as Promise<Spawned>)
    const email = uniqueEmail('drain')
    const body = JSON.stringify({ email, password: STRONG_PASSWORD })
    // A keep-alive client (as browsers and load balancers are): its idle connection
    // must not hold the shutdown up either.
    const agent = new http.Agent({ keepAlive: true })
    try {
      const pending = startRequest(server.port, agent, '/api/auth/signup', body)
      pending.write(body.slice(0, 20)) // headers and part of the body: the request is in flight
      await sleep(300)
      const signalled = performance.now()
      server.child.kill('SIGTERM')
      await sleep(300)
      pending.end(body.slice(20))
      const res = await pending.response
      assert.equal(res.status, 201, res.text)
      assert.equal((JSON.parse(res.text) as { user: { email: string } }).user.email, email)

      const code = await server.exited
      const ms = performance.now() - signalled
      ctx.diagnostic(`exited ${Math.round(ms)} ms after SIGTERM`)
      assert.equal(code, 0, server.output())
      assert.ok(ms < 3_000, `exited ${Math.round(ms)} ms after SIGTERM`)
    } finally {
      agent.destroy()
    }
  })
})

describe('configuration', () => {
  const base = { BETTER_AUTH_SECRET: TEST_SECRET, DATA_DIR: join(tmpdir(), 'taskwell-config-test') }

  const configError = (env: Record<string, string>): string => {
    try {
      loadConfig(env)
    } catch (err) {
      assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`)
      return err.message
    }
    assert.fail(`expected a ConfigError for ${JSON.stringify(env)}`)
  }

  it('names every bad variable in one error', () => {
    const message = configError({ ...base, PORT: 'abc', DATABASE_URL: 'mysql://x', TRUSTED_PROXIES: 'notanip' })
    for (const name of ['PORT', 'DATABASE_URL', 'TRUSTED_PROXIES']) assert.match(message, new RegExp(`\\b${name}\\b`))
    assert.doesNotMatch(message, /CORS_ORIGINS|LOG_LEVEL/, 'only the bad ones')
  })

  it('rejects out-of-range and malformed values', () => {
    for (const [name, value] of [
      ['PORT', '70000'],
      ['PORT', '-1'],
      ['TRUSTED_PROXIES', '10.0.0.0/33'],
      ['TRUSTED_PROXIES', '10.0.0.1, garbage'],
      ['CORS_ORIGINS', 'ftp://files.example.com'],
      ['LOG_LEVEL', 'loud'],
      ['RATE_LIMIT_SIGNUP_PER_HOUR', '0'],
      ['BETTER_AUTH_SECRET', 'too short'],
    ] as const) {
      assert.match(configError({ ...base, [name]: value }), new RegExp(`\\b${name}\\b`), `${name}=${value}`)
    }
  })

  it('accepts good values and parses lists', () => {
    const config = loadConfig({
      ...base,
      PORT: '8080',
      TRUSTED_PROXIES: '10.0.0.0/8, ::1 ,192.0.2.1',
      CORS_ORIGINS: 'https://app.example.com/, http://localhost:5173',
      DATABASE_URL: 'postgresql://u@db/x',
    })
    assert.equal(config.port, 8080)
    assert.deepEqual(config.trustedProxies, ['10.0.0.0/8', '::1', '192.0.2.1'])
    assert.deepEqual(config.corsOrigins, ['https://app.example.com', 'http://localhost:5173'])
    assert.equal(config.databaseUrl, 'postgresql://u@db/x')
  })

  it('requires BETTER_AUTH_SECRET in production, named along with any other bad variable', () => {
    assert.match(configError({ NODE_ENV: 'production', DATA_DIR: base.DATA_DIR }), /\bBETTER_AUTH_SECRET\b/)
    const both = configError({ NODE_ENV: 'production', DATA_DIR: base.DATA_DIR, PORT: 'abc' })
    assert.match(both, /\bBETTER_AUTH_SECRET\b/)
    assert.match(both, /\bPORT\b/)
    assert.equal(loadConfig({ ...base, NODE_ENV: 'production' }).env, 'production')
  })

  it('the server refuses to start on a bad PORT, naming it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taskwell-badport-'))
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: BACKEND_DIR,
        env: serverEnv({ DATA_DIR: dataDir, PORT: 'abc', BETTER_AUTH_SECRET: TEST_SECRET }),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      child.stdout?.on('data', (d) => {
        output += d
      })
      child.stderr?.on('data', (d) => {
        output += d
      })
      const code = await exitCode(child, 20_000)
      assert.notEqual(code, 0, output)
      assert.match(output, /\bPORT\b/)
      assert.doesNotMatch(output, /listening|ready at/i)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

/** The environment for a spawned server: ours, minus what would confuse it. */
function serverEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _, DATABASE_URL: __, PORT: ___, ...rest } = process.env
  return { ...rest, LOG_LEVEL: 'warn', ...env }
}

type Spawned = {
  child: ChildProcess
  port: number
  exited: Promise<number | null>
  output(): string
  kill(): void
}

/** `node --import tsx src/server.ts` on a free port, resolved once it says it is ready. */
async function spawnServer(driver: Driver): Promise<Spawned> {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskwell-server-'))
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: BACKEND_DIR,
    env: serverEnv({
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      BETTER_AUTH_SECRET: TEST_SECRET, // the shared test database's JWKS are encrypted with it
      RATE_LIMIT_SIGNUP_PER_HOUR: '1000000', // every sign-up here comes from 127.0.0.1
      ...(driver === 'pg' ? { DATABASE_URL: process.env.TEST_DATABASE_URL as string } : {}),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (d) => {
    output += d
  })
  child.stderr?.on('data', (d) => {
    output += d
  })
  const exited = exitCode(child, 60_000)
  const cleanup = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 30_000
  while (!/ready at/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      cleanup()
      throw new Error(`the server did not start:\n${output}`)
    }
    await sleep(50)
  }
  return { child, port, exited, output: () => output, kill: cleanup }
}

function exitCode(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms`)), timeoutMs)
    timer.unref()
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve(code)
    })
  })
}

/** A POST whose body the caller writes when it likes; `response` settles once it is answered. */
function startRequest(port: number, agent: http.Agent, path: string, body: string) {
  let resolveResponse: (r: { status: number; text: string }) => void = () => {}
  let rejectResponse: (err: Error) => void = () => {}
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    resolveResponse = resolve
    rejectResponse = reject
  })
  const req = http.request(
    {
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        text += chunk
      })
      res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, text }))
    },
  )
  req.on('error', rejectResponse)
  req.flushHeaders()
  return { write: (s: string) => req.write(s), end: (s: string) => req.end(s), response }
}

/** A TCP server that accepts connections and never says a word, like a hung database. */
async function startBlackHole(): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    close() {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  }
}

/** Collects console output (e.g. Better Auth's logger) until the returned function is called. */
function captureConsole(into: string[]): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
  const saved = methods.map((m) => console[m])
  for (const m of methods) {
    console[m] = (...args: unknown[]) => {
      into.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '))
    }
  }
  return () => {
    methods.forEach((m, i) => {
      console[m] = saved[i] as (typeof console)[typeof m]
    })
  }
}

function cookieValues(setCookie: string): string[] {
  return [...setCookie.matchAll(/session_token=([^;]+)/g)].map((m) => decodeURIComponent(m[1] as string))
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

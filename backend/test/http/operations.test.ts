/**
 * Operations: /healthz and /readyz, a database that stops answering, request ids and logs
 * that carry no secrets.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import pino from 'pino'
import { createApp } from '../../src/app.js'
import { openDb } from '../../src/db/client.js'
import { migrate } from '../../src/db/migrate.js'
import { listen } from '../../src/http/listen.js'
import { readProblem } from '../../testkit/problem.js'
import { describeWithApp, startTestApp, uniqueEmail } from '../support/harness.js'
import { APP_ORIGIN, captureConsole, cookieValues, EVIL_ORIGIN, KIB, rawPost, startBlackHole } from './support.js'

describeWithApp('HTTP conventions', { CORS_ORIGINS: APP_ORIGIN }, (t, driver) => {
  const postRaw = rawPost(t)

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
        assert.equal((await readProblem(res)).status, 503)
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
        await readProblem(res)
        assert.ok(ms < 1_500, `answered in ${Math.round(ms)} ms`)
      } finally {
        await server.close(500)
        blackHole.close()
        await silent.close().catch(() => {})
      }
    })

    it('puts an x-request-id of its own on every response, whatever id the client sent', async () => {
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

      // A client choosing the id could make its requests share one with another's in the log.
      const victim = responses[0]?.headers.get('x-request-id') ?? ''
      for (const theirs of ['trace-abc_123', victim, 'has spaces in it', 'x'.repeat(65)]) {
        const res = await t.get('/healthz', undefined, { 'x-request-id': theirs })
        const id = res.headers.get('x-request-id') ?? ''
        assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, `ours, not ${theirs}`)
        assert.ok(!ids.has(id), 'never one seen before')
        ids.add(id)
      }
    })

    it("logs a client's own request id apart from ours, cut short and cleaned", async () => {
      const lines: string[] = []
      const log = pino({ level: 'info', base: undefined }, { write: (line: string) => void lines.push(line) })
      const own = await startTestApp(driver, {}, { log })
      const sent = {
        plain: 'trace-abc_123',
        forged: '","reqId":"someone-else',
        long: `${'y'.repeat(200)}`,
        spaces: 'a\tb c',
      }
      const ours: Record<string, string> = {}
      try {
        for (const [name, theirs] of Object.entries(sent)) {
          const res = await own.get('/healthz', undefined, { 'x-request-id': theirs })
          ours[name] = res.headers.get('x-request-id') ?? ''
        }
        ours.none = (await own.get('/healthz')).headers.get('x-request-id') ?? ''
      } finally {
        await own.close()
      }
      const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.msg === 'request')
      const line = (name: string) => requests.find((r) => r.reqId === ours[name])
      assert.equal(line('plain')?.clientReqId, 'trace-abc_123')
      assert.equal(line('forged')?.clientReqId, 'reqId:someone-else', 'only safe characters')
      assert.equal(line('long')?.clientReqId, 'y'.repeat(64), 'at most 64 characters')
      assert.equal(line('spaces')?.clientReqId, 'abc')
      assert.equal(line('none')?.clientReqId, undefined, 'none sent, none logged')
      for (const name of Object.keys(ours)) assert.ok(line(name), `a request line with our id for ${name}`)
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

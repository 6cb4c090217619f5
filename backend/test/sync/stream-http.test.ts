/**
 * GET /api/{user_id}/events/stream at the HTTP level (API.md "Live sync", the route): its headers,
 * `retry:` then `ready` at once, each credential, and every refusal before a stream starts.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { decodeJwt } from 'jose'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { openSse, parseData, streamUrl } from './sse-reader.js'

const APP_ORIGIN = 'https://app.example.com'
const EVIL_ORIGIN = 'https://evil.example.com'

describeWithApp('the live-sync stream route', { CORS_ORIGINS: APP_ORIGIN, SYNC_RETRY_MS: '2500' }, (t) => {
  const url = (userId: string, query = '') => streamUrl(t.url, userId, query)

  it('answers 200 with the event-stream headers, never compressed or sized, with the security headers', async () => {
    const ann = await t.signup()
    const stream = await openSse(url(ann.user.id), {
      headers: { authorization: `Bearer ${ann.token}`, 'accept-encoding': 'gzip, deflate, br' },
    })
    try {
      const h = stream.response.headers
      assert.equal(h.get('content-type'), 'text/event-stream; charset=utf-8')
      assert.equal(h.get('cache-control'), 'no-cache, no-transform')
      assert.equal(h.get('x-accel-buffering'), 'no')
      assert.equal(h.get('content-length'), null, 'no Content-Length')
      assert.equal(h.get('content-encoding'), null, 'no Content-Encoding, whatever Accept-Encoding says')
      assert.equal(h.get('x-content-type-options'), 'nosniff')
      assert.match(h.get('x-frame-options') ?? '', /^(DENY|SAMEORIGIN)$/i)
      assert.ok(h.get('x-request-id'), 'a request id, as every answer has')
      const ready = await stream.next()
      assert.equal(ready.event, 'ready')
    } finally {
      stream.close()
    }
  })

  it('writes retry: first, then ready with the user, the heartbeat and the end of the access token, within a second', async () => {
    const ann = await t.signup()
    const started = performance.now()
    const stream = await openSse(url(ann.user.id), { headers: { authorization: `Bearer ${ann.token}` } })
    try {
      const ready = await stream.next(1_000)
      assert.ok(ready.at - started < 1_000, `ready came ${Math.round(ready.at - started)} ms after the request`)
      assert.deepEqual(
        stream.items.slice(0, 2).map((i) => i.kind),
        ['retry', 'event'],
      )
      assert.equal(stream.items[0]?.kind === 'retry' && stream.items[0].ms, 2500, 'retry: SYNC_RETRY_MS')
      assert.equal(ready.event, 'ready')
      assert.ok(ready.id && ready.id.length > 0, 'ready carries the position as its id')
      assert.equal(ready.dataLines, 1, 'one data: line')
      const data = parseData(ready)
      assert.deepEqual(Object.keys(data).sort(), ['expires_at', 'heartbeat_seconds', 'user_id'])
      assert.equal(data.user_id, ann.user.id)
      assert.equal(data.heartbeat_seconds, 15, 'SYNC_HEARTBEAT_SECONDS defaults to 15')
      const exp = decodeJwt(ann.token).exp as number
      assert.equal(data.expires_at, new Date(exp * 1000).toISOString(), "an access token's stream ends at its exp")
    } finally {
      stream.close()
    }
  })

  it('opens with a bearer session token and with the session cookie, ending at the session end', async () => {
    const signedUpAt = Date.now()
    const ann = await t.signup()
    for (const [what, headers] of [
      ['session token', { authorization: `Bearer ${ann.session_token}` }],
      ['cookie', { cookie: ann.cookie, 'sec-fetch-site': 'same-origin' }],
    ] as const) {
      const stream = await openSse(url(ann.user.id), { headers })
      try {
        const ready = await stream.next()
        assert.equal(ready.event, 'ready', what)
        const expiresAt = Date.parse(parseData<{ expires_at: string }>(ready).expires_at)
        // The session's end (SESSION_TTL_SECONDS from sign-up), not an access token's 15 minutes.
        const sessionEnd = signedUpAt + t.config.sessionTtlSeconds * 1000
        assert.ok(Math.abs(expiresAt - sessionEnd) < 10_000, `${what}: ${new Date(expiresAt).toISOString()}`)
      } finally {
        stream.close()
      }
    }
  })

  it('refuses missing, invalid and revoked credentials with 401 and WWW-Authenticate: Bearer', async () => {
    const ann = await t.signup()
    const revoked = await t.signup()
    assert.equal((await t.post('/api/auth/signout', undefined, { token: revoked.token })).status, 204)
    const cases: [string, string, Record<string, string>][] = [
      ['no credential', ann.user.id, {}],
      ['a forged token', ann.user.id, { authorization: `Bearer ${ann.token.slice(0, -4)}AAAA` }],
      ['a malformed authorization', ann.user.id, { authorization: 'Basic Zm9vOmJhcg==' }],
      ['a bad cookie', ann.user.id, { cookie: 'better-auth.session_token=nope' }],
      ['a revoked access token', revoked.user.id, { authorization: `Bearer ${revoked.token}` }],
      ['a revoked session token', revoked.user.id, { authorization: `Bearer ${revoked.session_token}` }],
    ]
    for (const [what, userId, headers] of cases) {
      await assertUnauthorized(await fetch(url(userId), { headers }), what)
    }
  })

  it('never takes a token from the query string (URLs reach logs)', async () => {
    const ann = await t.signup()
    for (const query of [
      `?access_token=${ann.token}`,
      `?token=${ann.token}`,
      `?session_token=${ann.session_token}`,
      `?authorization=Bearer%20${ann.token}`,
    ]) {
      await assertUnauthorized(await fetch(url(ann.user.id, query)), query.split('=')[0])
    }
  })

  it("refuses another user's stream with 403, and an unknown user id too", async () => {
    const [ann, bob] = [await t.signup(), await t.signup()]
    const res = await fetch(url(bob.user.id), { headers: { authorization: `Bearer ${ann.token}` } })
    await assertProblem(res, 403, { what: "Bob's stream with Ann's token" })
    await assertProblem(await fetch(url('no-such-user'), { headers: { authorization: `Bearer ${ann.token}` } }), 403, {
      what: 'an unknown id',
    })
  })

  it('refuses a foreign Origin with 403 before any other check, and serves a trusted one with CORS', async () => {
    const ann = await t.signup()
    const bob = await t.signup()
    for (const [what, userId, headers] of [
      ['with a valid cookie', ann.user.id, { cookie: ann.cookie }],
      ['with a valid token', ann.user.id, { authorization: `Bearer ${ann.token}` }],
      ['without credentials (not a 401)', ann.user.id, {}],
      ["on another user's stream (not a 403 of the path)", bob.user.id, { authorization: `Bearer ${ann.token}` }],
    ] as const) {
      const res = await fetch(url(userId), { headers: { origin: EVIL_ORIGIN, ...headers } })
      const problem = await assertProblem(res, 403, { what })
      assert.match(problem.detail ?? '', /origin/i, what)
      assert.equal(res.headers.get('access-control-allow-origin'), null, what)
    }
    const stream = await openSse(url(ann.user.id), { headers: { origin: APP_ORIGIN, cookie: ann.cookie } })
    try {
      assert.equal(stream.response.headers.get('access-control-allow-origin'), APP_ORIGIN)
      assert.equal(stream.response.headers.get('access-control-allow-credentials'), 'true')
      assert.equal((await stream.next()).event, 'ready')
    } finally {
      stream.close()
    }
  })

  it('refuses a cookie request without Origin from a cross-site context, and serves same-origin and typed-in ones', async () => {
    const ann = await t.signup()
    for (const site of ['cross-site', 'same-site']) {
      const res = await fetch(url(ann.user.id), { headers: { cookie: ann.cookie, 'sec-fetch-site': site } })
      await assertProblem(res, 403, { what: `Sec-Fetch-Site: ${site}` })
    }
    for (const site of ['same-origin', 'none']) {
      const stream = await openSse(url(ann.user.id), { headers: { cookie: ann.cookie, 'sec-fetch-site': site } })
      try {
        assert.equal((await stream.next()).event, 'ready', `Sec-Fetch-Site: ${site}`)
      } finally {
        stream.close()
      }
    }
  })

  it('answers HEAD with the stream headers and no body, holding nothing open', async () => {
    const ann = await t.signup()
    const res = await fetch(url(ann.user.id), { method: 'HEAD', headers: { authorization: `Bearer ${ann.token}` } })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8')
    assert.equal(await res.text(), '')
    assert.equal(t.services.streams.size(ann.user.id), 0, 'no slot held')
  })

  it('is in the OpenAPI document with the data of every event as a named component', async () => {
    const doc = (await (await t.fetch('/api/openapi.json')).json()) as {
      paths: Record<string, { get?: { responses: Record<string, unknown> } }>
      components: { schemas: Record<string, unknown> }
    }
    const route = doc.paths['/api/{user_id}/events/stream']?.get
    assert.ok(route, 'the route is documented')
    assert.deepEqual(Object.keys(route.responses).sort(), ['200', '401', '403', '429', '503'])
    for (const name of [
      'SyncEvent',
      'SyncReadyData',
      'SyncTaskData',
      'SyncTaskDeletedData',
      'SyncTasksChangedData',
      'SyncResyncData',
      'SyncSessionRevokedData',
      'SyncAccountDeletedData',
      'SyncTokenExpiredData',
    ]) {
      assert.ok(doc.components.schemas[name], `${name} is a component`)
    }
  })
})

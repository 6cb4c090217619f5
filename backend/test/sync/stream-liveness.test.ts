/**
 * A stream's life (API.md "Live sync": Liveness, credentials): `: ping` after each
 * SYNC_HEARTBEAT_SECONDS of silence, and `token.expired` when the credential that opened it
 * expires — an access token at its `exp`, a session at its end — carrying the stream's position.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { session } from '../../src/db/schema.js'
import { createTaskOk, fetchTaskClient } from '../../testkit/task-client.js'
import { describeWithApp, type SignedIn, type TestApp } from '../support/harness.js'
import { assertEndsWithin, openSse, parseData, type SseItem, streamUrl } from './sse-reader.js'

const isPing = (item: SseItem) => item.kind === 'comment' && item.text === 'ping'

describeWithApp('live-sync heartbeats', { SYNC_HEARTBEAT_SECONDS: '1' }, (t) => {
  it('writes `: ping` after each second of silence, and an event restarts the silence', async () => {
    const ann = await t.signup()
    const stream = await openSse(streamUrl(t.url, ann.user.id), { headers: { authorization: `Bearer ${ann.token}` } })
    try {
      const ready = await stream.next()
      assert.equal(parseData(ready).heartbeat_seconds, 1)
      const first = await stream.waitFor(isPing, 2_000, 'a first ping')
      const gap = first.at - ready.at
      assert.ok(gap >= 900 && gap < 1_600, `the first ping came ${Math.round(gap)} ms after ready`)
      const second = await stream.waitFor((i) => isPing(i) && i !== first, 2_000, 'a second ping')
      assert.ok(second.at - first.at >= 900, `pings ${Math.round(second.at - first.at)} ms apart`)

      // An event half-way through the silence: the next ping waits a whole second after it.
      await new Promise((r) => setTimeout(r, 500))
      await createTaskOk(fetchTaskClient(t.url, { userId: ann.user.id, token: ann.token }), { title: 'noise' })
      const event = await stream.next()
      assert.equal(event.event, 'task.created')
      const after = await stream.waitFor((i) => isPing(i) && i.at > event.at, 2_000, 'a ping after the event')
      assert.ok(after.at - event.at >= 900, `a ping ${Math.round(after.at - event.at)} ms after an event`)
    } finally {
      stream.close()
    }
  })
})

describeWithApp('live-sync expiry', {}, (t) => {
  /**
   * Brings the session's absolute end (SESSION_MAX_AGE_SECONDS after sign-in) `seconds` from now,
   * as if it had been signed in that long ago. (Its sliding end would move: a use renews it.)
   */
  async function sessionEndsIn(s: SignedIn, seconds: number): Promise<Date> {
    const end = new Date(Math.ceil(Date.now() / 1000 + seconds) * 1000)
    const createdAt = new Date(end.getTime() - t.config.sessionMaxAgeSeconds * 1000)
    await t.services.database.db.update(session).set({ createdAt }).where(eq(session.token, s.session_token))
    return end
  }

  async function expectExpiry(app: TestApp, s: SignedIn, headers: Record<string, string>, end: Date, what: string) {
    const stream = await openSse(streamUrl(app.url, s.user.id), { headers })
    const ready = await stream.next()
    assert.equal(parseData(ready).expires_at, end.toISOString(), `${what}: ready.expires_at`)
    const last = await stream.next(end.getTime() - Date.now() + 2_000)
    assert.equal(last.event, 'token.expired', what)
    assert.deepEqual(parseData(last), { expires_at: end.toISOString() }, what)
    assert.equal(last.id, ready.id, `${what}: it carries the stream's position`)
    const lateBy = Date.now() - end.getTime()
    assert.ok(lateBy >= -50 && lateBy < 1_000, `${what}: token.expired ${lateBy} ms after the end`)
    await assertEndsWithin(stream, 1_000, what)
    assert.equal(stream.endedHow(), 'end', `${what}: the server closed the response`)
  }

  it('ends a session-token stream and a cookie stream with token.expired at the session end', async () => {
    const ann = await t.signup()
    const end = await sessionEndsIn(ann, 3)
    await Promise.all([
      expectExpiry(t, ann, { authorization: `Bearer ${ann.session_token}` }, end, 'session token'),
      expectExpiry(t, ann, { cookie: ann.cookie }, end, 'cookie'),
    ])
  })

  it("ends an access-token stream with token.expired at the token's exp", async () => {
    const ann = await t.signup()
    // A token issued now for a session ending in 3 s carries that end as its exp.
    const end = await sessionEndsIn(ann, 3)
    const res = await t.get('/api/auth/token', ann.session_token)
    assert.equal(res.status, 200)
    const { token } = (await res.json()) as { token: string }
    assert.equal((decodeJwt(token).exp as number) * 1000, end.getTime())
    await expectExpiry(t, ann, { authorization: `Bearer ${token}` }, end, 'access token')
  })
})

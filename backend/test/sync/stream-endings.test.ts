/**
 * How a live-sync stream ends when its session does (API.md "Live sync": events
 * `session.revoked` and `account.deleted`): the ending event, with the stream's position and
 * the reason, is written and the response closed within a second of the answer that ended the
 * session, whichever way it ended and whichever credential opened the stream. Streams of
 * sessions that live on are not touched.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeWithMailApp, NEW_PASSWORD } from '../support/account.js'
import { type Credential, call, freshClient, signInAs, signUpAs } from '../support/clients.js'
import { expectStatus } from '../support/expectations.js'
import type { SignedIn, TestApp } from '../support/harness.js'
import { confirmReset, mailedResetToken } from '../support/mailed-links.js'
import { assertEndsWithin, openSse, parseData, type SseStream, streamUrl } from './sse-reader.js'

/** API.md: an ending event is written and the response closed within the same second. */
const ENDING_MS = 1_000

function headersOf(credential: Credential): Record<string, string> {
  return credential.bearer ? { authorization: `Bearer ${credential.bearer}` } : { cookie: credential.cookie ?? '' }
}

/** A stream of `s` opened with each of its credentials, each past its `ready`. */
async function openEach(t: TestApp, s: SignedIn): Promise<Map<string, { stream: SseStream; readyId: string }>> {
  const streams = new Map<string, { stream: SseStream; readyId: string }>()
  const credentials: [string, Credential][] = [
    ['access token', { bearer: s.token }],
    ['session token', { bearer: s.session_token }],
    ['cookie', { cookie: s.cookie }],
  ]
  for (const [what, credential] of credentials) {
    const stream = await openSse(streamUrl(t.url, s.user.id), { headers: headersOf(credential) })
    const ready = await stream.next()
    assert.equal(ready.event, 'ready')
    streams.set(what, { stream, readyId: ready.id ?? '' })
  }
  return streams
}

/**
 * Each stream's last event is `expected` with the stream's position as its id, and the response
 * ends (normally, not cut) within ENDING_MS of `since`.
 */
async function assertEnded(
  streams: Map<string, { stream: SseStream; readyId: string }>,
  since: number,
  expected: { event: string; data: Record<string, unknown> },
) {
  for (const [what, { stream, readyId }] of streams) {
    const endedAt = await assertEndsWithin(stream, ENDING_MS + 500, what)
    assert.ok(endedAt - since <= ENDING_MS, `${what}: ended ${Math.round(endedAt - since)} ms after the answer`)
    assert.equal(stream.endedHow(), 'end', `${what}: closed by the server, not cut`)
    const events = stream.events()
    const last = events.at(-1)
    assert.equal(last?.event, expected.event, `${what}: ${events.map((e) => e.event).join(', ')}`)
    assert.deepEqual(parseData(last), expected.data, what)
    // Nothing happened to the tasks meanwhile, so the ending event carries the ready position.
    if (expected.event !== 'account.deleted') assert.equal(last.id, readyId, `${what}: the stream's position`)
  }
}

const closeAll = (streams: Map<string, { stream: SseStream }>) => {
  for (const { stream } of streams.values()) stream.close()
}

describeWithMailApp('live-sync streams end with their session', {}, (t, catcher) => {
  it('sends session.revoked (signed_out) to the streams of a session that signs out, each credential alike', async () => {
    const ann = await signUpAs(t, freshClient())
    const streams = await openEach(t, ann)
    try {
      await expectStatus(await call(t, 'POST', '/api/auth/signout', { credential: { cookie: ann.cookie } }), 204)
      await assertEnded(streams, performance.now(), { event: 'session.revoked', data: { reason: 'signed_out' } })
    } finally {
      closeAll(streams)
    }
  })

  it('sends session.revoked (revoked) to the streams of sessions ended from another one, and leaves that one open', async () => {
    const bo = await signUpAs(t, freshClient())
    const laptop = await signInAs(t, freshClient(), bo.user.email, bo.password)
    const streams = await openEach(t, bo)
    const kept = await openSse(streamUrl(t.url, bo.user.id), { headers: { authorization: `Bearer ${laptop.token}` } })
    try {
      await kept.next()
      const res = await call(t, 'POST', '/api/me/sessions/revoke-others', { credential: { bearer: laptop.token } })
      await expectStatus(res, 200)
      await assertEnded(streams, performance.now(), { event: 'session.revoked', data: { reason: 'revoked' } })
      await assertStillLive(t, kept, laptop)
    } finally {
      closeAll(streams)
      kept.close()
    }
  })

  it('sends session.revoked (password_changed) to the other sessions, and the session that changed it stays live', async () => {
    const cy = await signUpAs(t, freshClient())
    const phone = await signInAs(t, freshClient(), cy.user.email, cy.password)
    const streams = await openEach(t, phone)
    const kept = await openSse(streamUrl(t.url, cy.user.id), {
      headers: { authorization: `Bearer ${cy.session_token}` },
    })
    try {
      await kept.next()
      const res = await call(t, 'PUT', '/api/me/password', {
        credential: { bearer: cy.session_token },
        body: { current_password: cy.password, new_password: NEW_PASSWORD },
      })
      await expectStatus(res, 204)
      await assertEnded(streams, performance.now(), { event: 'session.revoked', data: { reason: 'password_changed' } })
      await assertStillLive(t, kept, cy)
    } finally {
      closeAll(streams)
      kept.close()
    }
  })

  it('sends session.revoked (password_reset) to every session of an account whose password was reset', async () => {
    const di = await signUpAs(t, freshClient())
    await catcher.nextMessageTo(di.user.email) // the verification mail
    const streams = await openEach(t, di)
    try {
      const token = await mailedResetToken(t, catcher, di.user.email)
      await expectStatus(await confirmReset(t, token, NEW_PASSWORD), 204)
      await assertEnded(streams, performance.now(), { event: 'session.revoked', data: { reason: 'password_reset' } })
    } finally {
      closeAll(streams)
    }
  })

  it('ends every stream of a deleted account with account.deleted, after task.deleted for each of its tasks', async () => {
    const ed = await signUpAs(t, freshClient())
    const other = await signInAs(t, freshClient(), ed.user.email, ed.password)
    const taskRes = await call(t, 'POST', `/api/${ed.user.id}/tasks`, {
      credential: { bearer: ed.token },
      body: { title: 'Gone with the account' },
    })
    await expectStatus(taskRes.clone(), 201)
    const taskId = ((await taskRes.json()) as { id: string }).id
    const streams = await openEach(t, other)
    const own = await openEach(t, ed)
    try {
      const res = await call(t, 'DELETE', '/api/me', {
        credential: { bearer: ed.token },
        body: { password: ed.password },
      })
      await expectStatus(res, 204)
      const since = performance.now()
      await assertEnded(streams, since, { event: 'account.deleted', data: {} })
      await assertEnded(own, since, { event: 'account.deleted', data: {} })
      for (const [what, { stream }] of [...streams, ...own]) {
        const after = stream.events().slice(1)
        assert.deepEqual(
          after.map((e) => e.event),
          ['task.deleted', 'account.deleted'],
          `${what}: the task goes first, the account last`,
        )
        assert.deepEqual(parseData(after[0] ?? assert.fail()), { id: taskId })
      }
    } finally {
      closeAll(streams)
      closeAll(own)
    }
  })

  /** `stream` (of `s`) is open and still delivers: a task `s` creates arrives on it. */
  async function assertStillLive(app: TestApp, stream: SseStream, s: SignedIn) {
    assert.equal(stream.isEnded(), false, 'the stream of the session that stays is open')
    const res = await call(app, 'POST', `/api/${s.user.id}/tasks`, {
      credential: { bearer: s.token },
      body: { title: 'Still here' },
    })
    await expectStatus(res, 201)
    const event = await stream.next(ENDING_MS)
    assert.equal(event.event, 'task.created')
  }
})

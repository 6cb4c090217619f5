/**
 * Decision 009 "The signed-in user": GET /api/me/sessions, DELETE /api/me/sessions/{id} and
 * POST /api/me/sessions/revoke-others. A user sees and ends only their own sessions; an ended
 * session's access tokens are refused within a second (API.md "Revocation").
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { session as sessionTable } from '../../src/db/schema.js'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { BEHIND_PROXY, RFC3339_UTC } from '../support/account.js'
import { type Client, CREDENTIALS, type Credential, call, freshClient, signInAs, signUpAs } from '../support/clients.js'
import { assertRevokedInTime, assertSession, expectStatus, sessionIdOf } from '../support/expectations.js'
import { describeWithApp, type SignedIn } from '../support/harness.js'

type SessionJson = {
  id: string
  current: boolean
  user_agent: string | null
  ip_address: string | null
  created_at: string
  last_used_at: string
  expires_at: string
}

const SESSION_KEYS = ['created_at', 'current', 'expires_at', 'id', 'ip_address', 'last_used_at', 'user_agent']

describeWithApp('sessions', BEHIND_PROXY, (t) => {
  async function listSessions(credential: Credential): Promise<SessionJson[]> {
    const res = await call(t, 'GET', '/api/me/sessions', { credential })
    const text = await res.text()
    assert.equal(res.status, 200, text)
    const body = JSON.parse(text) as { items: SessionJson[]; next_cursor: string | null }
    assert.deepEqual(Object.keys(body), ['items', 'next_cursor'])
    assert.equal(body.next_cursor, null, 'one page')
    return body.items
  }

  const revoke = (credential: Credential, id: string) =>
    call(t, 'DELETE', `/api/me/sessions/${encodeURIComponent(id)}`, { credential, client: freshClient() })
  const revokeOthers = (credential: Credential) =>
    call(t, 'POST', '/api/me/sessions/revoke-others', { credential, client: freshClient() })

  /** A user with `n` sessions, each from a client of its own. */
  async function userWithSessions(n: number): Promise<{ sessions: SignedIn[]; clients: Client[] }> {
    const clients = Array.from({ length: n }, () => freshClient())
    const first = await signUpAs(t, clients[0] as Client)
    const sessions = [first]
    for (const client of clients.slice(1)) sessions.push(await signInAs(t, client, first.user.email, first.password))
    return { sessions, clients }
  }

  it('lists each session with the current one marked, the user agent and IP it was made from, and its timestamps', async () => {
    const startedAt = Date.now()
    const { sessions, clients } = await userWithSessions(2)
    const items = await listSessions({ bearer: (sessions[1] as SignedIn).token })
    assert.equal(items.length, 2)
    for (const [i, s] of sessions.entries()) {
      const item = items.find((x) => x.id === sessionIdOf(s))
      assert.ok(item, `session ${i + 1} is listed`)
      assert.deepEqual(Object.keys(item).sort(), SESSION_KEYS)
      assert.equal(item.current, i === 1, `session ${i + 1}: current`)
      assert.equal(item.user_agent, clients[i]?.userAgent, `session ${i + 1}: user agent`)
      assert.equal(item.ip_address, clients[i]?.ip, `session ${i + 1}: IP address`)
      for (const field of ['created_at', 'last_used_at', 'expires_at'] as const) {
        assert.match(item[field], RFC3339_UTC, `session ${i + 1}: ${field}`)
      }
      const created = Date.parse(item.created_at)
      assert.ok(created >= startedAt - 1_000 && created <= Date.now() + 1_000, `session ${i + 1}: created_at`)
      assert.ok(Date.parse(item.last_used_at) >= created, `session ${i + 1}: last_used_at`)
      const ttl = Date.parse(item.expires_at) - created
      assert.ok(Math.abs(ttl - t.config.sessionTtlSeconds * 1000) < 60_000, `session ${i + 1}: expires_at`)
    }
  })

  for (const [how, credentialOf] of Object.entries(CREDENTIALS)) {
    it(`marks the current session for ${how}`, async () => {
      const { sessions } = await userWithSessions(2)
      const caller = sessions[0] as SignedIn
      const items = await listSessions(credentialOf(caller))
      assert.deepEqual(
        items.filter((x) => x.current).map((x) => x.id),
        [sessionIdOf(caller)],
      )
    })
  }

  it('lists the most recently used first; renewing an access token moves last_used_at', async () => {
    const { sessions } = await userWithSessions(2)
    const [older, newer] = sessions as [SignedIn, SignedIn]
    const before = await listSessions({ bearer: older.token })
    assert.deepEqual(
      before.map((x) => x.id),
      [sessionIdOf(newer), sessionIdOf(older)],
    )
    const lastUsed = Date.parse((before[1] as SessionJson).last_used_at)

    assert.equal((await t.get('/api/auth/token', older.session_token)).status, 200)
    const after = await listSessions({ bearer: older.token })
    assert.deepEqual(
      after.map((x) => x.id),
      [sessionIdOf(older), sessionIdOf(newer)],
    )
    assert.ok(Date.parse((after[0] as SessionJson).last_used_at) > lastUsed, 'last_used_at moved')
  })

  it("lists only the caller's unexpired sessions and never a session token", async () => {
    const { sessions } = await userWithSessions(3)
    const bob = await signUpAs(t, freshClient())
    // One of Ann's sessions has run out.
    await t.services.database.db
      .update(sessionTable)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(sessionTable.id, sessionIdOf(sessions[2] as SignedIn)))

    const res = await call(t, 'GET', '/api/me/sessions', { credential: { bearer: (sessions[0] as SignedIn).token } })
    const text = await res.text()
    const items = (JSON.parse(text) as { items: SessionJson[] }).items
    assert.deepEqual(items.map((x) => x.id).sort(), sessions.slice(0, 2).map(sessionIdOf).sort())
    for (const s of [...sessions, bob]) {
      assert.ok(!text.includes(s.session_token), 'a session token is never listed')
      assert.ok(!text.includes(s.session_token.split('.')[0] as string), 'not even unsigned')
    }
    assert.ok(!text.includes(sessionIdOf(bob)), "another user's session is not listed")
  })

  it('DELETE one session: 204; its access token is refused within 1 s, its session token at once; the others stay', async () => {
    const { sessions } = await userWithSessions(3)
    const [caller, target, other] = sessions as [SignedIn, SignedIn, SignedIn]
    const res = await revoke({ bearer: caller.token }, sessionIdOf(target))
    assert.equal(res.status, 204, await res.clone().text())
    assert.equal(await res.text(), '')
    await assertRevokedInTime(t, target, performance.now(), 'the revoked session')
    await assertSession(t, caller, true, 'the caller')
    await assertSession(t, other, true, 'the third session')
    assert.deepEqual(
      (await listSessions({ bearer: caller.token })).map((x) => x.id).sort(),
      [sessionIdOf(caller), sessionIdOf(other)].sort(),
    )
  })

  it("another user's session id or an unknown one is 404, and that session stays", async () => {
    const ann = await signUpAs(t, freshClient())
    const bob = await signUpAs(t, freshClient())
    await assertProblem(await revoke({ bearer: ann.token }, sessionIdOf(bob)), 404, { what: "Bob's session" })
    await assertProblem(await revoke({ bearer: ann.token }, 'no-such-session'), 404, { what: 'an unknown id' })
    await assertProblem(await revoke({ bearer: ann.token }, bob.session_token), 404, { what: "Bob's session token" })
    await assertSession(t, bob, true, "Bob's session")
    await assertSession(t, ann, true, "Ann's session")
  })

  it('DELETE the current session signs out: 204, the cookie cleared, every credential of it refused', async () => {
    const { sessions } = await userWithSessions(2)
    const [caller, other] = sessions as [SignedIn, SignedIn]
    const res = await revoke({ cookie: caller.cookie }, sessionIdOf(caller))
    assert.equal(res.status, 204, await res.clone().text())
    const cookieName = caller.cookie.split('=')[0] as string
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith(`${cookieName}=`))
    assert.ok(cleared, `the session cookie is not cleared: ${JSON.stringify(res.headers.getSetCookie())}`)
    assert.match(cleared, /max-age=0(;|$)/i)
    await assertSession(t, caller, false, 'the signed-out session')
    await assertSession(t, other, true, 'the other session')
  })

  it('revoke-others: 200 { revoked: n }, and only the caller survives', async () => {
    const { sessions } = await userWithSessions(3)
    const [caller, ...others] = sessions as [SignedIn, SignedIn, SignedIn]
    const bob = await signUpAs(t, freshClient())
    const res = await revokeOthers({ bearer: caller.token })
    assert.equal(res.status, 200, await res.clone().text())
    assert.deepEqual(await res.json(), { revoked: 2 })
    const revokedAt = performance.now()
    for (const [i, other] of others.entries()) await assertRevokedInTime(t, other, revokedAt, `other session ${i + 1}`)
    await assertSession(t, caller, true, 'the caller')
    await assertSession(t, bob, true, 'another user')
    assert.deepEqual(
      (await listSessions({ bearer: caller.token })).map((x) => x.id),
      [sessionIdOf(caller)],
    )
    const again = await revokeOthers({ bearer: caller.token })
    assert.equal(again.status, 200)
    assert.deepEqual(await again.json(), { revoked: 0 })
  })

  it('revoke-others with the session cookie keeps that session', async () => {
    const { sessions } = await userWithSessions(2)
    const [caller, other] = sessions as [SignedIn, SignedIn]
    const res = await revokeOthers({ cookie: caller.cookie })
    assert.equal(res.status, 200, await res.clone().text())
    assert.deepEqual(await res.json(), { revoked: 1 })
    await assertSession(t, caller, true, 'the caller')
    await assertSession(t, other, false, 'the other session')
  })

  it('every session route needs credentials: 401', async () => {
    const s = await signUpAs(t, freshClient())
    await assertUnauthorized(await call(t, 'GET', '/api/me/sessions'), 'list')
    await assertUnauthorized(await call(t, 'DELETE', `/api/me/sessions/${sessionIdOf(s)}`), 'delete')
    await assertUnauthorized(await call(t, 'POST', '/api/me/sessions/revoke-others'), 'revoke-others')
    await assertSession(t, s, true, 'untouched')
    await expectStatus(await call(t, 'POST', '/api/auth/signout', { credential: { bearer: s.token } }), 204)
    await assertUnauthorized(await call(t, 'GET', '/api/me/sessions', { credential: { bearer: s.token } }), 'revoked')
  })
})

/**
 * Decision 019: successful sign-ins were unlimited (one account reached 2,074 sessions). A user
 * keeps at most SESSIONS_MAX_PER_USER live sessions: a new one, by any way in, ends the least
 * recently used beyond it, whose access tokens are then refused within 1 s on every instance.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { BEHIND_PROXY } from '../support/account.js'
import { call, freshClient, signInAs, signUpAs } from '../support/clients.js'
import { assertRevokedInTime, assertSession, sessionIdOf } from '../support/expectations.js'
import { describeWithApp, type SignedIn, type TestApp } from '../support/harness.js'

const MAX = 3

async function listedIds(t: TestApp, s: SignedIn): Promise<string[]> {
  const res = await call(t, 'GET', '/api/me/sessions', { credential: { bearer: s.token } })
  assert.equal(res.status, 200, await res.clone().text())
  return ((await res.json()) as { items: { id: string }[] }).items.map((x) => x.id).sort()
}

describeWithApp('the session cap', { ...BEHIND_PROXY, SESSIONS_MAX_PER_USER: String(MAX) }, (t) => {
  it(`a sign-in beyond ${MAX} sessions ends the least recently used; its access token is refused within 1 s`, async () => {
    const first = await signUpAs(t, freshClient())
    const sessions = [first]
    for (let i = 1; i < MAX; i++) sessions.push(await signInAs(t, freshClient(), first.user.email, first.password))
    // The oldest is in use: renewing its access token makes the second the least recently used.
    assert.equal((await t.get('/api/auth/token', first.session_token)).status, 200)
    const [, second] = sessions as [SignedIn, SignedIn]

    const newest = await signInAs(t, freshClient(), first.user.email, first.password)
    // Measured from the answer of the sign-in that ended it, as every revocation test does.
    await assertRevokedInTime(t, second, performance.now(), 'the least recently used session')
    await assertSession(t, first, true, 'the oldest, used lately')
    await assertSession(t, newest, true, 'the new one')
    const kept = [first, ...sessions.slice(2), newest].map(sessionIdOf).sort()
    assert.deepEqual(await listedIds(t, newest), kept)
  })

  it("Better Auth's own sign-in/email keeps the cap too", async () => {
    const first = await signUpAs(t, freshClient())
    for (let i = 1; i < MAX + 2; i++) {
      const res = await call(t, 'POST', '/api/auth/sign-in/email', {
        body: { email: first.user.email, password: first.password },
        client: freshClient(),
        headers: { origin: t.config.publicUrl },
      })
      assert.equal(res.status, 200, await res.clone().text())
    }
    const latest = await signInAs(t, freshClient(), first.user.email, first.password)
    assert.equal((await listedIds(t, latest)).length, MAX)
    await assertSession(t, first, false, 'the first session')
  })

  it("another user's sessions are not counted", async () => {
    const ann = await signUpAs(t, freshClient())
    const bob = await signUpAs(t, freshClient())
    for (let i = 0; i < MAX; i++) await signInAs(t, freshClient(), ann.user.email, ann.password)
    await assertSession(t, bob, true, "Bob's one session")
  })
})

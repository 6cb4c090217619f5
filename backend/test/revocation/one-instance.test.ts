/**
 * Sign-out on one instance: every credential of the session is refused at once, the other
 * sessions stay, also through Better Auth's own routes and on an instance started later.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { decodeJwt } from 'jose'
import { assertUnauthorized } from '../../testkit/problem.js'
import { describeWithApp, type SignedIn, startTestApp } from '../support/harness.js'
import { assertAccepted, assertSession, me, signIn, signOut } from './support.js'

describeWithApp('sign-out on one instance', {}, (t, driver) => {
  it('refuses every credential of the signed-out session, including renewed tokens, and keeps the other session', async () => {
    const first = await t.signup()
    const userId = first.user.id
    const second = await signIn(t.url, first.user.email)
    assert.notEqual(decodeJwt(first.token).sid, decodeJwt(second.token).sid)

    // A token renewed for the first session carries its sid too.
    const renewed = await t.get('/api/auth/token', first.session_token)
    assert.equal(renewed.status, 200)
    const renewedToken = ((await renewed.json()) as { token: string }).token
    await assertAccepted(await me(t.url, { token: renewedToken }), userId, 'renewed token before sign-out')
    await assertSession(t.url, first, userId, true, 'first session before sign-out')

    const out = await signOut(t.url, { authorization: `Bearer ${first.token}` })
    assert.equal(out.status, 204)
    assert.ok(
      out.headers.getSetCookie().some((c) => /session_token=;/.test(c) && /Max-Age=0/i.test(c)),
      'sign-out clears the session cookie',
    )

    await assertSession(t.url, first, userId, false, 'first session after sign-out')
    await assertUnauthorized(await me(t.url, { token: renewedToken }), 'renewed token after sign-out')
    await assertUnauthorized(await t.get('/api/auth/token', first.session_token), 'renewal after sign-out')
    await assertSession(t.url, second, userId, true, 'second session after the first signed out')

    // Signing out again, even with the revoked token, is a quiet 204 and changes nothing.
    assert.equal((await signOut(t.url, { authorization: `Bearer ${first.token}` })).status, 204)
    await assertSession(t.url, second, userId, true, 'second session after a repeated sign-out')
  })

  for (const [kind, credential] of [
    ['session token', (s: SignedIn) => ({ authorization: `Bearer ${s.session_token}` })],
    ['cookie', (s: SignedIn) => ({ cookie: s.cookie, origin: t.config.publicUrl })],
  ] as const) {
    it(`signing out with the ${kind} also revokes the session's access token`, async () => {
      const s = await t.signup()
      await assertSession(t.url, s, s.user.id, true, 'before sign-out')
      assert.equal((await signOut(t.url, credential(s))).status, 204)
      await assertSession(t.url, s, s.user.id, false, `after sign-out with the ${kind}`)
    })
  }

  it("Better Auth's own POST /api/auth/sign-out revokes that session's access token", async () => {
    const s = await t.signup()
    const other = await signIn(t.url, s.user.email)
    await assertSession(t.url, s, s.user.id, true, 'before sign-out')
    const res = await t.fetch('/api/auth/sign-out', {
      method: 'POST',
      headers: { cookie: s.cookie, origin: t.config.publicUrl, 'content-type': 'application/json' },
      body: '{}',
    })
    assert.equal(res.status, 200, await res.clone().text())
    await assertSession(t.url, s, s.user.id, false, 'after Better Auth sign-out')
    await assertSession(t.url, other, s.user.id, true, 'the other session')
  })

  it("revoke-others revokes the other sessions' access tokens, not the caller's", async () => {
    const current = await t.signup()
    const others = [await signIn(t.url, current.user.email), await signIn(t.url, current.user.email)]
    // Decision 009: POST /api/me/sessions/revoke-others replaced Better Auth's revoke-other-sessions.
    const res = await t.fetch('/api/me/sessions/revoke-others', {
      method: 'POST',
      headers: { cookie: current.cookie, origin: t.config.publicUrl },
    })
    assert.equal(res.status, 200, await res.clone().text())
    assert.deepEqual(await res.json(), { revoked: 2 })
    for (const [i, other] of others.entries()) {
      await assertSession(t.url, other, current.user.id, false, `other session ${i + 1}`)
    }
    await assertSession(t.url, current, current.user.id, true, 'the session that asked')
  })

  it('an instance started after the sign-out refuses the revoked token', async () => {
    const s = await t.signup()
    assert.equal((await signOut(t.url, { authorization: `Bearer ${s.token}` })).status, 204)
    const later = await startTestApp(driver)
    try {
      await assertUnauthorized(await later.get('/api/me', s.token), 'revoked token on a later instance')
    } finally {
      await later.close()
    }
  })
})

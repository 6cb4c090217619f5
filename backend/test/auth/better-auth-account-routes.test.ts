/**
 * Decision 009 "Better Auth's account endpoints": Better Auth's own routes for the account
 * jobs are not exposed (404 problem documents), so the limits, password rules and audit log
 * of our routes cannot be bypassed. They are called here as Better Auth's client would call
 * them, with a valid session cookie and the app's Origin, and must change nothing.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithMailApp, NEW_PASSWORD } from '../support/account.js'
import { call, currentUser, freshClient, signIn, signInAs, signUpAs } from '../support/clients.js'
import { assertSession, expectStatus } from '../support/expectations.js'
import type { SignedIn } from '../support/harness.js'
import { verificationToken } from '../support/mailed-links.js'

/** [method, path, body] as Better Auth's client sends them. */
function betterAuthCalls(s: SignedIn, other: SignedIn, verification: string): [string, string, unknown][] {
  return [
    ['POST', '/api/auth/change-password', { currentPassword: s.password, newPassword: NEW_PASSWORD }],
    ['POST', '/api/auth/update-user', { name: 'Changed by Better Auth' }],
    ['POST', '/api/auth/delete-user', { password: s.password }],
    ['GET', '/api/auth/list-sessions', undefined],
    ['POST', '/api/auth/revoke-session', { token: other.session_token }],
    ['POST', '/api/auth/revoke-sessions', {}],
    ['POST', '/api/auth/revoke-other-sessions', {}],
    ['POST', '/api/auth/request-password-reset', { email: s.user.email, redirectTo: '/reset-password' }],
    ['POST', '/api/auth/forget-password', { email: s.user.email, redirectTo: '/reset-password' }],
    ['POST', '/api/auth/reset-password', { token: 'anything', newPassword: NEW_PASSWORD }],
    ['GET', '/api/auth/reset-password/anything?callbackURL=/', undefined],
    ['POST', '/api/auth/send-verification-email', { email: s.user.email }],
    ['GET', `/api/auth/verify-email?token=${encodeURIComponent(verification)}`, undefined],
    ['POST', '/api/auth/change-email', { newEmail: 'taken-over@example.com' }],
  ]
}

describeWithMailApp("Better Auth's account routes", {}, (t, catcher) => {
  it('answer 404 with a problem document, and change nothing', async () => {
    const s = await signUpAs(t, freshClient(), { name: 'Unchanged' })
    const verification = await verificationToken(catcher, s.user.email)
    const other = await signInAs(t, freshClient(), s.user.email, s.password)

    for (const [method, path, body] of betterAuthCalls(s, other, verification)) {
      const res = await call(t, method, path, { credential: { cookie: s.cookie }, body, client: freshClient() })
      await assertProblem(res, 404, { what: `${method} ${path}` })
    }

    await assertSession(t, s, true, 'the session that called')
    await assertSession(t, other, true, 'the other session')
    const user = await currentUser(t, { bearer: s.token })
    assert.equal(user.name, 'Unchanged')
    assert.equal(user.email, s.user.email)
    assert.equal(user.email_verified, false, 'not verified through Better Auth')
    await expectStatus(await signIn(t, s.user.email, s.password), 200, 'the password is unchanged')
  })

  it('answer 404 with a bearer credential too', async () => {
    const s = await signUpAs(t, freshClient())
    const other = await signInAs(t, freshClient(), s.user.email, s.password)
    for (const [method, path, body] of betterAuthCalls(s, other, 'x')) {
      for (const bearer of [s.session_token, s.token]) {
        const res = await call(t, method, path, { credential: { bearer }, body, client: freshClient() })
        await assertProblem(res, 404, { what: `${method} ${path}` })
      }
    }
    await assertSession(t, other, true, 'the other session')
  })
})

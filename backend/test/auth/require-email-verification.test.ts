/**
 * REQUIRE_EMAIL_VERIFICATION=true: no credentials until the address is verified.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { describeWithMailApp } from '../support/account.js'
import { call, currentUser, freshClient, signIn, type UserJson } from '../support/clients.js'
import { expectStatus } from '../support/expectations.js'
import { STRONG_PASSWORD, sessionCookie, uniqueEmail } from '../support/harness.js'
import { linkToken } from '../support/mail-catcher.js'
import { verificationToken, verifyEmail } from '../support/mailed-links.js'
import { USER_KEYS } from '../support/user-result.js'

describeWithMailApp('REQUIRE_EMAIL_VERIFICATION=true', { REQUIRE_EMAIL_VERIFICATION: 'true' }, (t, catcher) => {
  /** Signs up without credentials coming back; returns the user and their mailed token. */
  async function signUpUnverified(): Promise<{ user: UserJson; token: string }> {
    const email = uniqueEmail('unverified')
    const res = await call(t, 'POST', '/api/auth/signup', {
      body: { email, password: STRONG_PASSWORD },
      client: freshClient(),
    })
    assert.equal(res.status, 201, await res.clone().text())
    const body = (await res.json()) as { user: UserJson }
    return { user: body.user, token: await verificationToken(catcher, email) }
  }

  it('sign-up answers 201 with { user, verification_required: true }, no credentials and no cookie, and mails the link', async () => {
    const email = uniqueEmail('required')
    const res = await call(t, 'POST', '/api/auth/signup', {
      body: { email, password: STRONG_PASSWORD },
      client: freshClient(),
    })
    assert.equal(res.status, 201, await res.clone().text())
    assert.equal(sessionCookie(res), '', 'no session cookie')
    const body = (await res.json()) as { user: UserJson; verification_required: boolean }
    assert.deepEqual(Object.keys(body).sort(), ['user', 'verification_required'])
    assert.equal(body.verification_required, true)
    assert.deepEqual(Object.keys(body.user).sort(), USER_KEYS)
    assert.equal(body.user.email, email)
    assert.equal(body.user.email_verified, false)
    linkToken(await catcher.nextMessageTo(email), 'verify-email')
  })

  it('sign-in with the right password for an unverified address: 403 with code EMAIL_NOT_VERIFIED, no credentials', async () => {
    const { user } = await signUpUnverified()
    const res = await signIn(t, user.email, STRONG_PASSWORD)
    const body = await assertProblem(res, 403)
    assert.equal(body.code, 'EMAIL_NOT_VERIFIED')
    assert.equal(sessionCookie(res), '', 'no session cookie')
    assert.equal((body as Record<string, unknown>).token, undefined)
  })

  it('a wrong password for an unverified address is still the plain 401 an unknown email gets', async () => {
    const { user } = await signUpUnverified()
    const wrong = await assertUnauthorized(await signIn(t, user.email, 'not the password 1'))
    const unknown = await assertUnauthorized(await signIn(t, uniqueEmail('ghost'), 'not the password 1'))
    assert.deepEqual(wrong, unknown)
    assert.equal(wrong.code, undefined, 'nothing says the address is unverified')
  })

  it('once the address is verified, sign-in answers 200 with credentials that work', async () => {
    const { user, token } = await signUpUnverified()
    await expectStatus(await verifyEmail(t, token), 200, 'verify')
    const res = await signIn(t, user.email, STRONG_PASSWORD)
    assert.equal(res.status, 200, await res.clone().text())
    const body = (await res.json()) as { user: UserJson; token: string; session_token: string }
    assert.equal(body.user.email_verified, true)
    assert.equal((await currentUser(t, { bearer: body.token })).id, user.id)
    assert.equal((await currentUser(t, { bearer: body.session_token })).id, user.id)
  })

  it("Better Auth's own sign-in/email does not let an unverified address in either", async () => {
    const { user } = await signUpUnverified()
    const res = await call(t, 'POST', '/api/auth/sign-in/email', {
      body: { email: user.email, password: STRONG_PASSWORD },
      client: freshClient(),
      headers: { origin: t.config.publicUrl },
    })
    const body = await assertProblem(res, 403)
    assert.equal(body.code, 'EMAIL_NOT_VERIFIED')
    assert.equal(sessionCookie(res), '', 'no session cookie')
  })
})

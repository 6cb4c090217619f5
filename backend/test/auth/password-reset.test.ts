/**
 * Decision 009 "Password reset": asking for a link reveals nothing, the mailed token sets a
 * new password once, within 30 minutes, under the sign-up rules, and ends every session.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { describeWithMailApp, NEW_PASSWORD, WEAK_PASSWORDS } from '../support/account.js'
import { call, freshClient, signIn, signInAs, signUpAs } from '../support/clients.js'
import { assertRevokedInTime, assertSession, expectStatus } from '../support/expectations.js'
import { uniqueEmail } from '../support/harness.js'
import { mailLink } from '../support/mail-catcher.js'
import {
  confirmReset,
  expireResetToken,
  mailedResetToken,
  mailSettled,
  requestReset,
  resetToken,
  signUpWithMail,
  tokenExpiry,
} from '../support/mailed-links.js'

describeWithMailApp('password reset', {}, (t, catcher) => {
  /** A fresh user whose sign-up mail has been taken out of the way. */
  const newUser = async () => (await signUpWithMail(t, catcher)).user

  it('answers the same 202 body for an existing and an unknown email, and mails only the existing one', async () => {
    const s = await newUser()
    const unknown = uniqueEmail('ghost')
    const known = await requestReset(t, s.user.email)
    const ghost = await requestReset(t, unknown)
    assert.equal(known.status, 202, await known.clone().text())
    assert.equal(ghost.status, 202, await ghost.clone().text())
    assert.equal(known.headers.get('content-type'), ghost.headers.get('content-type'))
    const [a, b] = [(await known.json()) as { detail: unknown }, await ghost.json()]
    assert.deepEqual(Object.keys(a), ['detail'])
    assert.equal(typeof a.detail, 'string')
    assert.deepEqual(a, b)

    const mail = await catcher.nextMessageTo(s.user.email)
    assert.match(mail.subject, /reset|password/i)
    const link = mailLink(mail, 'reset-password')
    assert.equal(link.origin, t.config.publicUrl)
    assert.equal(link.pathname, '/reset-password')
    assert.equal(link.search, '', 'nothing in the query string')
    assert.match(link.hash, /^#token=./)
    await mailSettled(t)
    assert.equal(catcher.messagesTo(unknown).length, 0, 'an unknown address gets no mail')
  })

  it('finds the account whatever the case of the email and surrounding spaces', async () => {
    const s = await newUser()
    await expectStatus(await requestReset(t, `  ${s.user.email.toUpperCase()}\t`), 202)
    await resetToken(catcher, s.user.email)
  })

  it('refuses an invalid email and unknown fields with 422', async () => {
    await assertProblem(await requestReset(t, 'not an email'), 422, { fields: ['email'] })
    await assertProblem(
      await call(t, 'POST', '/api/auth/password-reset', { body: { email: uniqueEmail(), redirectTo: '/x' } }),
      422,
      { fields: ['redirectTo'] },
    )
  })

  it('the link is valid for 30 minutes', async () => {
    const s = await newUser()
    const token = await mailedResetToken(t, catcher, s.user.email)
    const minutes = ((await tokenExpiry(t, token, s.user.id)).getTime() - Date.now()) / 60_000
    assert.ok(minutes > 29 && minutes <= 30.1, `the link expires in ${minutes.toFixed(2)} minutes`)
  })

  it('confirm with the mailed token: 204; the new password signs in and the old one does not', async () => {
    const s = await newUser()
    const token = await mailedResetToken(t, catcher, s.user.email)
    const res = await confirmReset(t, token, NEW_PASSWORD)
    assert.equal(res.status, 204, await res.clone().text())
    assert.equal(await res.text(), '')
    await expectStatus(await signIn(t, s.user.email, NEW_PASSWORD), 200, 'the new password')
    await assertUnauthorized(await signIn(t, s.user.email, s.password), 'the old password')
  })

  it('a token works once: a second confirm is 422 on token and keeps the first new password', async () => {
    const s = await newUser()
    const token = await mailedResetToken(t, catcher, s.user.email)
    await expectStatus(await confirmReset(t, token, NEW_PASSWORD), 204, 'first confirm')
    await assertProblem(await confirmReset(t, token, 'yet another passphrase 5'), 422, {
      fields: ['token'],
      what: 'second confirm',
    })
    await expectStatus(await signIn(t, s.user.email, NEW_PASSWORD), 200, 'the first new password')
    await assertUnauthorized(await signIn(t, s.user.email, 'yet another passphrase 5'), 'the second one')
  })

  it('an expired token is 422 on token and the password stays', async () => {
    const s = await newUser()
    const token = await mailedResetToken(t, catcher, s.user.email)
    await expireResetToken(t, token, s.user.id)
    await assertProblem(await confirmReset(t, token, NEW_PASSWORD), 422, { fields: ['token'] })
    await expectStatus(await signIn(t, s.user.email, s.password), 200, 'the old password')
    await assertUnauthorized(await signIn(t, s.user.email, NEW_PASSWORD), 'the refused new password')
  })

  it('a bad token is 422 on token', async () => {
    const s = await newUser()
    const token = await mailedResetToken(t, catcher, s.user.email)
    for (const [label, bad] of [
      ['garbage', 'not-a-token'],
      ['empty', ''],
      ['the token with a character more', `${token}x`],
      ['the token in upper case', token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase()],
      // PostgreSQL text cannot hold NUL: such a token must not reach a query (it was a 500)
      ['a NUL character', '\u0000'],
      ['the token with a NUL inside', `${token.slice(0, 4)}\u0000${token.slice(4)}`],
      ['the token with a space after it', `${token} `],
    ] as const) {
      await assertProblem(await confirmReset(t, bad, NEW_PASSWORD), 422, { fields: ['token'], what: label })
    }
    await expectStatus(await signIn(t, s.user.email, s.password), 200, 'the password is unchanged')
  })

  it('the new password follows the sign-up rules (422 on new_password), and the link still works afterwards', async () => {
    const s = await newUser()
    const token = await mailedResetToken(t, catcher, s.user.email)
    for (const [label, weak] of WEAK_PASSWORDS) {
      await assertProblem(await confirmReset(t, token, weak), 422, { fields: ['new_password'], what: label })
      await assertUnauthorized(await signIn(t, s.user.email, weak), `${label} was not set`)
    }
    await expectStatus(await signIn(t, s.user.email, s.password), 200, 'the old password still works')
    await expectStatus(await confirmReset(t, token, NEW_PASSWORD), 204, 'a good password with the same link')
  })

  it('lists every invalid field, and refuses unknown ones', async () => {
    const post = (body: unknown) => call(t, 'POST', '/api/auth/password-reset/confirm', { body })
    await assertProblem(await post({}), 422, { fields: ['token', 'new_password'] })
    await assertProblem(await post({ token: 'x', new_password: NEW_PASSWORD, newPassword: NEW_PASSWORD }), 422, {
      fields: ['newPassword'],
    })
  })

  it('ends every session of the account: access tokens refused within 1 s, session tokens and cookies at once', async () => {
    const s = await newUser()
    const second = await signInAs(t, freshClient(), s.user.email, s.password)
    const bystander = await signUpAs(t, freshClient())
    const token = await mailedResetToken(t, catcher, s.user.email)

    await expectStatus(await confirmReset(t, token, NEW_PASSWORD), 204, 'confirm')
    const confirmedAt = performance.now()
    await assertRevokedInTime(t, s, confirmedAt, 'the sign-up session')
    await assertRevokedInTime(t, second, confirmedAt, 'the signed-in session')
    await assertUnauthorized(await t.get('/api/auth/token', s.session_token), 'renewing a revoked session')
    await assertSession(t, bystander, true, "another user's session")
    // The user signs in again with the new password.
    await signInAs(t, freshClient(), s.user.email, NEW_PASSWORD)
  })
})

/**
 * Email verification: the mailed token verifies the address; bad, expired and resent tokens.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithMailApp } from '../support/account.js'
import { call, currentUser, freshClient, signIn, signUpAs, type UserJson } from '../support/clients.js'
import { expectStatus } from '../support/expectations.js'
import { uniqueEmail } from '../support/harness.js'
import { linkToken } from '../support/mail-catcher.js'
import {
  mailedResetToken,
  mailSettled,
  resendVerification,
  signUpWithMail,
  tokenExpiry,
  verificationToken,
  verificationTokenExpiringAt,
  verifyEmail,
} from '../support/mailed-links.js'
import { USER_KEYS, userResult } from '../support/user-result.js'

describeWithMailApp('email verification', {}, (t, catcher) => {
  it('a new account is unverified: email_verified false at sign-up, sign-in and /api/me', async () => {
    const s = await signUpAs(t, freshClient())
    assert.deepEqual(Object.keys(s.user).sort(), USER_KEYS)
    assert.equal(s.user.email_verified, false)
    const res = await signIn(t, s.user.email, s.password)
    assert.equal(res.status, 200)
    assert.equal(((await res.json()) as { user: UserJson }).user.email_verified, false)
    assert.equal((await currentUser(t, { bearer: s.token })).email_verified, false)
  })

  it('verification is informational by default: an unverified user gets credentials at sign-up and signs in', async () => {
    const s = await signUpAs(t, freshClient())
    assert.ok(s.token && s.session_token && s.cookie, 'sign-up hands out credentials')
    assert.equal(s.user.email_verified, false)
    await expectStatus(await signIn(t, s.user.email, s.password), 200, 'sign-in while unverified')
  })

  it('the mailed token verifies the address: 200 { user } with email_verified true, and /api/me shows it', async () => {
    const { user: s, verification } = await signUpWithMail(t, catcher)
    const user = await userResult(await verifyEmail(t, linkToken(verification, 'verify-email')), 'verify')
    assert.equal(user.id, s.user.id)
    assert.equal(user.email, s.user.email)
    assert.equal(user.email_verified, true)
    assert.equal((await currentUser(t, { bearer: s.token })).email_verified, true)
    const signin = await signIn(t, s.user.email, s.password)
    assert.equal(((await signin.json()) as { user: UserJson }).user.email_verified, true)
  })

  it('verifying twice is fine: 200 again, still verified', async () => {
    const { user: s, verification } = await signUpWithMail(t, catcher)
    const token = linkToken(verification, 'verify-email')
    await userResult(await verifyEmail(t, token), 'first verification')
    const again = await userResult(await verifyEmail(t, token), 'second verification')
    assert.equal(again.id, s.user.id)
    assert.equal(again.email_verified, true)
  })

  it('a bad token is 422 with an error on token, and the address stays unverified', async () => {
    const { user: s, verification } = await signUpWithMail(t, catcher)
    const token = linkToken(verification, 'verify-email')
    const middle = Math.floor(token.length / 2)
    const tampered = token.slice(0, middle) + (token[middle] === 'A' ? 'B' : 'A') + token.slice(middle + 1)
    const resetToken = await mailedResetToken(t, catcher, s.user.email)
    const cases: [string, string][] = [
      ['garbage', 'not-a-token'],
      ['empty', ''],
      ['the mailed token with one character changed', tampered],
      ['the mailed token cut short', token.slice(0, -4)],
      ['a password-reset token', resetToken],
      ['a NUL character', '\u0000'],
      ['the mailed token with a NUL inside', `${token.slice(0, 4)}\u0000${token.slice(4)}`],
    ]
    for (const [label, bad] of cases) {
      await assertProblem(await verifyEmail(t, bad), 422, { fields: ['token'], what: label })
    }
    assert.equal((await currentUser(t, { bearer: s.token })).email_verified, false)
  })

  it('an expired token is 422 with an error on token; the same token still in date verifies', async () => {
    const { user: s, verification } = await signUpWithMail(t, catcher)
    const token = linkToken(verification, 'verify-email')
    const expired = await verificationTokenExpiringAt(t, token, s.user.id, new Date(Date.now() - 60_000))
    await assertProblem(await verifyEmail(t, expired), 422, { fields: ['token'], what: 'expired token' })
    assert.equal((await currentUser(t, { bearer: s.token })).email_verified, false)

    // The refusal was about the expiry: the same token, in date, is accepted.
    const inDate = await verificationTokenExpiringAt(t, token, s.user.id, new Date(Date.now() + 3_600_000))
    assert.equal((await userResult(await verifyEmail(t, inDate), 'in-date token')).email_verified, true)
  })

  it('the verification link is valid for 24 hours', async () => {
    const { user: s, verification } = await signUpWithMail(t, catcher)
    const expiry = await tokenExpiry(t, linkToken(verification, 'verify-email'), s.user.id)
    const hours = (expiry.getTime() - Date.now()) / 3_600_000
    assert.ok(hours > 23.9 && hours <= 24.01, `the link expires in ${hours.toFixed(3)} hours`)
  })

  it('refuses unknown fields and a missing token with 422', async () => {
    const { verification } = await signUpWithMail(t, catcher)
    const token = linkToken(verification, 'verify-email')
    const post = (body: unknown) => call(t, 'POST', '/api/auth/verify-email', { body, client: freshClient() })
    await assertProblem(await post({ token, email: 'x@example.com' }), 422, { fields: ['email'] })
    await assertProblem(await post({}), 422, { fields: ['token'] })
  })

  it('resend answers the same 202 body for an unknown, a verified and an unverified address, and mails only the unverified one', async () => {
    const { user: unverified } = await signUpWithMail(t, catcher)
    const { user: verified, verification } = await signUpWithMail(t, catcher)
    await userResult(await verifyEmail(t, linkToken(verification, 'verify-email')), 'verify the verified one')
    const unknown = uniqueEmail('ghost')

    const answers = []
    for (const email of [unknown, verified.user.email, unverified.user.email]) {
      const res = await resendVerification(t, email)
      assert.equal(res.status, 202, `${email}: ${await res.clone().text()}`)
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
      answers.push(await res.json())
    }
    const [first] = answers as { detail: unknown }[]
    assert.deepEqual(Object.keys(first ?? {}), ['detail'])
    assert.equal(typeof first?.detail, 'string')
    assert.deepEqual(answers[1], answers[0], 'verified and unknown get the same body')
    assert.deepEqual(answers[2], answers[0], 'unverified and unknown get the same body')

    const resent = await catcher.nextMessageTo(unverified.user.email)
    assert.match(resent.subject, /verif/i)
    await mailSettled(t)
    assert.equal(catcher.messagesTo(unknown).length, 0, 'an unknown address gets no mail')
    assert.equal(catcher.messagesTo(verified.user.email).length, 1, 'a verified address gets only its sign-up mail')
  })

  it('the resent link verifies the address, and the address is matched whatever its case', async () => {
    const { user: s } = await signUpWithMail(t, catcher)
    await expectStatus(await resendVerification(t, `  ${s.user.email.toUpperCase()} `), 202, 'resend')
    const token = await verificationToken(catcher, s.user.email)
    assert.equal((await userResult(await verifyEmail(t, token), 'verify')).email_verified, true)
  })

  it('resend refuses an invalid email with 422 on email', async () => {
    await assertProblem(await resendVerification(t, 'not an email'), 422, { fields: ['email'] })
    await assertProblem(
      await call(t, 'POST', '/api/auth/verify-email/resend', { body: { email: uniqueEmail(), x: 1 } }),
      422,
      { fields: ['x'] },
    )
  })
})

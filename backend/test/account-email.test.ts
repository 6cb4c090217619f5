/**
 * Decision 009 "Mail" and "Email verification": the verification mail (through a real SMTP
 * server, or the outbox without one), verifying with the mailed token, asking for a new link,
 * and REQUIRE_EMAIL_VERIFICATION.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  accountEnv,
  call,
  currentUser,
  expectInvalid,
  expectProblem,
  expectStatus,
  expectUnauthorized,
  freshClient,
  mailedResetToken,
  mailSettled,
  requestReset,
  resendVerification,
  signIn,
  signUpAs,
  signUpWithMail,
  startAppWithMail,
  stopAppWithMail,
  tokenExpiry,
  type UserJson,
  verificationToken,
  verificationTokenExpiringAt,
  verifyEmail,
} from './support/account.js'
import { freePort } from './support/free-port.js'
import {
  closeDatabases,
  drivers,
  STRONG_PASSWORD,
  sessionCookie,
  startTestApp,
  type TestApp,
  uniqueEmail,
} from './support/harness.js'
import { linkToken, type MailCatcher, mailLink, nextOutboxMessageTo } from './support/mail-catcher.js'
import { withTimeout } from './support/timeout.js'

after(closeDatabases)

const MAIL_FROM = 'Taskwell Tests <tests@taskwell.test>'
const USER_KEYS = ['created_at', 'email', 'email_verified', 'id', 'name']

/** Asserts `{ "user" }` with the documented user object; returns the user. */
async function userResult(res: Response, what: string): Promise<UserJson> {
  const text = await res.text()
  assert.equal(res.status, 200, `${what}: expected 200, got ${res.status}: ${text}`)
  const body = JSON.parse(text) as { user: UserJson }
  assert.deepEqual(Object.keys(body), ['user'], what)
  assert.deepEqual(Object.keys(body.user).sort(), USER_KEYS, what)
  return body.user
}

for (const driver of drivers()) {
  describe(`mail delivery (${driver})`, () => {
    let catcher: MailCatcher
    let t: TestApp
    before(async () => ({ t, catcher } = await startAppWithMail(driver, { MAIL_FROM })))
    after(() => stopAppWithMail({ t, catcher }))

    it('sign-up mails a verification link through SMTP_URL: to the address, from MAIL_FROM, token in the fragment of a PUBLIC_URL link', async () => {
      const s = await signUpAs(t, freshClient())
      const mail = await catcher.nextMessageTo(s.user.email)

      assert.deepEqual(mail.envelopeTo, [s.user.email])
      assert.deepEqual(mail.to, [s.user.email])
      assert.equal(mail.envelopeFrom, 'tests@taskwell.test')
      assert.deepEqual(mail.from, { address: 'tests@taskwell.test', name: 'Taskwell Tests' })
      assert.match(mail.subject, /verif/i)

      const link = mailLink(mail, 'verify-email')
      assert.equal(link.origin, t.config.publicUrl, 'the link points at PUBLIC_URL')
      assert.equal(link.pathname, '/verify-email')
      assert.equal(link.search, '', 'nothing in the query string (it would reach server logs)')
      const token = linkToken(mail, 'verify-email')
      assert.ok(token.length >= 16, `a guessable token: ${token}`)
      assert.doesNotMatch(`${mail.text}\n${mail.html}`, /[?&]token=/, 'the token only ever travels in the fragment')
    })

    it('answers without waiting for delivery: sign-up and a reset request return while the mail server holds the message', async () => {
      catcher.hold()
      try {
        const email = uniqueEmail('held')
        // Were an answer to wait for the mail, it would wait for release() below.
        const signup = await withTimeout(
          call(t, 'POST', '/api/auth/signup', { body: { email, password: STRONG_PASSWORD }, client: freshClient() }),
          3_000,
          'sign-up while the mail is held',
        )
        await expectStatus(signup, 201, 'sign-up while the mail server holds the mail')
        const reset = await withTimeout(requestReset(t, email), 3_000, 'reset request while the mail is held')
        await expectStatus(reset, 202, 'reset request while the mail server holds the mail')
        // Both mails were on their way while the answers came back.
        await catcher.nextMessageTo(email)
        await catcher.nextMessageTo(email)
      } finally {
        catcher.release()
      }
    })

    it('an unreachable mail server changes no answer', async () => {
      const closedPort = await freePort()
      const app = await startTestApp(driver, { ...accountEnv(catcher), SMTP_URL: `smtp://127.0.0.1:${closedPort}` })
      try {
        const s = await signUpAs(app, freshClient())
        const known = await requestReset(app, s.user.email)
        const unknown = await requestReset(app, uniqueEmail('ghost'))
        assert.equal(known.status, 202)
        assert.deepEqual(await known.json(), await unknown.json())
        const resent = await resendVerification(app, s.user.email)
        assert.equal(resent.status, 202)
      } finally {
        await app.close()
      }
    })

    it('without SMTP_URL, writes each mail as an .eml file in DATA_DIR/outbox, with its working link', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'taskwell-outbox-'))
      const app = await startTestApp(driver, { DATA_DIR: dataDir })
      try {
        const s = await app.signup()
        const mail = await nextOutboxMessageTo(join(dataDir, 'outbox'), s.user.email)
        assert.deepEqual(mail.to, [s.user.email])
        assert.equal(mail.from.address, 'no-reply@localhost', 'MAIL_FROM defaults to Taskwell <no-reply@localhost>')
        assert.match(mail.subject, /verif/i)
        const link = mailLink(mail, 'verify-email')
        assert.equal(link.origin, app.config.publicUrl)
        assert.equal(link.pathname, '/verify-email')
        const user = await userResult(await verifyEmail(app, linkToken(mail, 'verify-email')), 'verify from the outbox')
        assert.equal(user.email_verified, true)
      } finally {
        await app.close()
        rmSync(dataDir, { recursive: true, force: true })
      }
    })
  })

  describe(`email verification (${driver})`, () => {
    let catcher: MailCatcher
    let t: TestApp
    before(async () => ({ t, catcher } = await startAppWithMail(driver)))
    after(() => stopAppWithMail({ t, catcher }))

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
        await expectInvalid(await verifyEmail(t, bad), ['token'], label)
      }
      assert.equal((await currentUser(t, { bearer: s.token })).email_verified, false)
    })

    it('an expired token is 422 with an error on token; the same token still in date verifies', async () => {
      const { user: s, verification } = await signUpWithMail(t, catcher)
      const token = linkToken(verification, 'verify-email')
      const expired = await verificationTokenExpiringAt(t, token, s.user.id, new Date(Date.now() - 60_000))
      await expectInvalid(await verifyEmail(t, expired), ['token'], 'expired token')
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
      await expectInvalid(await post({ token, email: 'x@example.com' }), ['email'])
      await expectInvalid(await post({}), ['token'])
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
      await expectInvalid(await resendVerification(t, 'not an email'), ['email'])
      await expectInvalid(
        await call(t, 'POST', '/api/auth/verify-email/resend', { body: { email: uniqueEmail(), x: 1 } }),
        ['x'],
      )
    })
  })

  describe(`REQUIRE_EMAIL_VERIFICATION=true (${driver})`, () => {
    let catcher: MailCatcher
    let t: TestApp
    before(async () => ({ t, catcher } = await startAppWithMail(driver, { REQUIRE_EMAIL_VERIFICATION: 'true' })))
    after(() => stopAppWithMail({ t, catcher }))

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
      const body = await expectProblem(res, 403)
      assert.equal(body.code, 'EMAIL_NOT_VERIFIED')
      assert.equal(sessionCookie(res), '', 'no session cookie')
      assert.equal((body as Record<string, unknown>).token, undefined)
    })

    it('a wrong password for an unverified address is still the plain 401 an unknown email gets', async () => {
      const { user } = await signUpUnverified()
      const wrong = await expectUnauthorized(await signIn(t, user.email, 'not the password 1'))
      const unknown = await expectUnauthorized(await signIn(t, uniqueEmail('ghost'), 'not the password 1'))
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
      const body = await expectProblem(res, 403)
      assert.equal(body.code, 'EMAIL_NOT_VERIFIED')
      assert.equal(sessionCookie(res), '', 'no session cookie')
    })
  })
}

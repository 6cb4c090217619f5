/**
 * Mail delivery (decision 009 "Mail"): through SMTP_URL from MAIL_FROM, without holding up an
 * answer, and to DATA_DIR/outbox without SMTP_URL.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { freePort } from '../../testkit/free-port.js'
import { accountEnv, describeWithMailApp } from '../support/account.js'
import { call, freshClient, signUpAs } from '../support/clients.js'
import { expectStatus } from '../support/expectations.js'
import { STRONG_PASSWORD, startTestApp, uniqueEmail } from '../support/harness.js'
import { linkToken, mailLink, nextOutboxMessageTo } from '../support/mail-catcher.js'
import { requestReset, resendVerification, verifyEmail } from '../support/mailed-links.js'
import { withTimeout } from '../support/timeout.js'
import { MAIL_FROM, userResult } from '../support/user-result.js'

describeWithMailApp('mail delivery', { MAIL_FROM }, (t, catcher, driver) => {
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

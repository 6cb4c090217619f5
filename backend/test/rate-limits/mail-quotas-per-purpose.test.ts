/**
 * Verification resends do not use up an address's password-reset quota.
 */
import { after, before, describe, it } from 'node:test'
import { HOUR, NEW_PASSWORD, startAppWithMail, stopAppWithMail } from '../support/account.js'
import { expectLimited, expectStatus } from '../support/expectations.js'
import { closeDatabases, drivers, type TestApp } from '../support/harness.js'
import type { MailCatcher } from '../support/mail-catcher.js'
import {
  confirmReset,
  requestReset,
  resendVerification,
  resetToken,
  signUpWithMail,
  verificationToken,
} from '../support/mailed-links.js'

after(closeDatabases)

for (const driver of drivers()) {
  describe(`verification resends and the reset quota (${driver})`, () => {
    const PER_ADDRESS = 3
    let catcher: MailCatcher
    let t: TestApp
    before(
      async () =>
        ({ t, catcher } = await startAppWithMail(driver, { RATE_LIMIT_EMAIL_PER_ADDRESS: String(PER_ADDRESS) })),
    )
    after(() => stopAppWithMail({ t, catcher }))

    it(`after ${PER_ADDRESS} verification resends for an address, a password reset for it still gets 202 and a working link`, async () => {
      const { user: s } = await signUpWithMail(t, catcher) // the sign-up mail is not counted
      for (let i = 1; i <= PER_ADDRESS; i++) {
        await expectStatus(await resendVerification(t, s.user.email), 202, `resend ${i}`)
        await verificationToken(catcher, s.user.email)
      }
      await expectStatus(await requestReset(t, s.user.email), 202, 'a reset request after the resends')
      const token = await resetToken(catcher, s.user.email)
      await expectStatus(await confirmReset(t, token, NEW_PASSWORD), 204, 'the mailed reset link')
      // Resends themselves are still limited.
      await expectLimited(await resendVerification(t, s.user.email), HOUR, `resend ${PER_ADDRESS + 1}`)
    })
  })
}

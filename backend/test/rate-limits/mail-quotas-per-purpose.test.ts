/**
 * Verification resends do not use up an address's password-reset mail (decision 012), and
 * beyond their own they are answered alike and send nothing (decision 018).
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeWithMailApp, NEW_PASSWORD } from '../support/account.js'
import { expectStatus } from '../support/expectations.js'
import {
  confirmReset,
  mailSettled,
  requestReset,
  resendVerification,
  resetToken,
  signUpWithMail,
  verificationToken,
} from '../support/mailed-links.js'

const PER_ADDRESS = 3

describeWithMailApp(
  'verification resends and the reset quota',
  { RATE_LIMIT_EMAIL_PER_ADDRESS: String(PER_ADDRESS) },
  (t, catcher) => {
    it(`after ${PER_ADDRESS} verification resends for an address, a password reset for it still gets 202 and a working link`, async () => {
      const { user: s } = await signUpWithMail(t, catcher) // the sign-up mail is not counted
      for (let i = 1; i <= PER_ADDRESS; i++) {
        await expectStatus(await resendVerification(t, s.user.email), 202, `resend ${i}`)
        await verificationToken(catcher, s.user.email)
      }
      await expectStatus(await requestReset(t, s.user.email), 202, 'a reset request after the resends')
      const token = await resetToken(catcher, s.user.email)
      await expectStatus(await confirmReset(t, token, NEW_PASSWORD), 204, 'the mailed reset link')
      // Resends beyond the address's mail are answered alike and send nothing.
      await expectStatus(await resendVerification(t, s.user.email), 202, `resend ${PER_ADDRESS + 1}`)
      await mailSettled(t)
      assert.equal(
        catcher.messagesTo(s.user.email).filter((m) => /verify-email/.test(m.text)).length,
        1 + PER_ADDRESS,
        'the sign-up mail and the resends the window allows',
      )
    })
  },
)

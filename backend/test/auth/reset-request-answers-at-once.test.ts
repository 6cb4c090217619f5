/**
 * Asking for a reset link answers without waiting for the link to be made.
 */
import { it } from 'node:test'
import { describeWithMailApp, NEW_PASSWORD } from '../support/account.js'
import { signIn } from '../support/clients.js'
import { expectStatus } from '../support/expectations.js'
import { uniqueEmail } from '../support/harness.js'
import { confirmReset, requestReset, resetToken, signUpWithMail } from '../support/mailed-links.js'
import { holdInserts } from '../support/session-races.js'
import { withTimeout } from '../support/timeout.js'

describeWithMailApp('a reset request does not wait for its token', {}, (t, catcher) => {
  it('answers 202 for an existing account while the database is still storing its reset token, as for an unknown address', async () => {
    const { user: s } = await signUpWithMail(t, catcher)
    // Better Auth stores each reset token as a row of `verification`.
    const held = holdInserts(t.services.database, 'verification')
    try {
      const unknown = await withTimeout(requestReset(t, uniqueEmail('ghost')), 3_000, 'unknown address')
      await expectStatus(unknown, 202, 'a reset request for an unknown address')
      // Were the answer to wait for the token, it would wait for release() below.
      const known = await withTimeout(requestReset(t, s.user.email), 3_000, 'existing account, token write held')
      await expectStatus(known, 202, 'a reset request for an existing account')
      await withTimeout(held.reached, 5_000, 'the token write (the request never got to storing a token)')
    } finally {
      held.release()
    }
    // Once the row is stored, the link arrives and works.
    const token = await resetToken(catcher, s.user.email)
    await expectStatus(await confirmReset(t, token, NEW_PASSWORD), 204, 'the mailed link')
    await expectStatus(await signIn(t, s.user.email, NEW_PASSWORD), 200, 'the new password')
  })
})

/**
 * Decision 009 "Mail limits", as decision 018 changed them: five reset requests from anyone used
 * to use up an address's mail for an hour, and the owner's own "forgot password" then got 429.
 * Now every request for an address is answered 202, and at most RATE_LIMIT_EMAIL_PER_ADDRESS
 * mails (of each kind) go to it per window, so strangers can neither fill the inbox nor take the
 * owner's mail; the link of the mail that did go still works. Only a client's own flood is 429.
 *
 * The counters live in the database, which outlives a test (and, on PostgreSQL, a run):
 * every test uses fresh addresses and its own client IPs.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { describeWithMailApp, HOUR, NEW_PASSWORD } from '../support/account.js'
import { type Client, freshClient, signIn } from '../support/clients.js'
import { expectLimited, expectStatus } from '../support/expectations.js'
import { uniqueEmail } from '../support/harness.js'
import {
  confirmReset,
  mailSettled,
  requestReset,
  resendVerification,
  resetToken,
  signUpWithMail,
  verificationToken,
  verifyEmail,
} from '../support/mailed-links.js'

const PER_IP = 5

describeWithMailApp(
  'mail limits',
  { RATE_LIMIT_EMAIL_PER_ADDRESS: '1', RATE_LIMIT_EMAIL_PER_IP: String(PER_IP) },
  (t, catcher) => {
    /** A user with an account, whose sign-up mail has been taken out of the way. */
    const account = async () => (await signUpWithMail(t, catcher)).user

    it("strangers cannot use up the owner's reset mail: every request is 202, one mail goes, and its link works", async () => {
      const owner = await account()
      const email = owner.user.email
      for (let i = 1; i <= 6; i++) await expectStatus(await requestReset(t, email), 202, `stranger ${i}`)
      const token = await resetToken(catcher, email)
      await expectStatus(await requestReset(t, email), 202, "the owner's own request, in the same window")
      await mailSettled(t)
      assert.equal(catcher.messagesTo(email).length, 2, 'the sign-up mail and one reset mail')
      await expectStatus(await confirmReset(t, token, NEW_PASSWORD), 204, 'the one link mailed')
      await expectStatus(await signIn(t, email, NEW_PASSWORD), 200, 'the owner is back in')
    })

    it('an address without an account gets the same answers', async () => {
      const known = (await account()).user.email
      const unknown = uniqueEmail('ghost')
      for (let i = 1; i <= 3; i++) {
        const [a, b] = [await requestReset(t, known), await requestReset(t, unknown)]
        assert.equal(a.status, 202)
        assert.deepEqual(await a.json(), await b.json(), `request ${i}: the same body`)
        assert.equal(b.status, 202)
      }
    })

    it('verification resends: 202 however often, at most one mail per window, and it verifies', async () => {
      const { user } = await signUpWithMail(t, catcher)
      for (let i = 1; i <= 4; i++) await expectStatus(await resendVerification(t, user.user.email), 202, `resend ${i}`)
      const token = await verificationToken(catcher, user.user.email)
      await mailSettled(t)
      assert.equal(catcher.messagesTo(user.user.email).length, 2, 'the sign-up mail and one resend')
      await expectStatus(await verifyEmail(t, token), 200, 'the mailed link')
    })

    it('verification and reset mail count apart: resends cannot take the reset mail', async () => {
      const { user } = await signUpWithMail(t, catcher)
      for (let i = 1; i <= 3; i++) await resendVerification(t, user.user.email)
      await verificationToken(catcher, user.user.email)
      await expectStatus(await requestReset(t, user.user.email), 202, 'a reset for the same address')
      await resetToken(catcher, user.user.email)
    })

    it('counts an address whatever its case', async () => {
      const owner = await account()
      const email = owner.user.email
      for (const spelling of [email, email.toUpperCase(), ` ${email.replace(/^./, (c) => c.toUpperCase())} `]) {
        await expectStatus(await requestReset(t, spelling), 202, spelling)
      }
      await mailSettled(t)
      assert.equal(catcher.messagesTo(email).length, 2, 'the sign-up mail and one reset mail')
    })

    it(`refuses the mail request after ${PER_IP} from one client IP, whatever the addresses; other IPs go on`, async () => {
      const client: Client = freshClient()
      const email = (await account()).user.email
      for (let i = 1; i <= PER_IP; i++) {
        const send = i % 2 ? requestReset : resendVerification
        await expectStatus(await send(t, uniqueEmail('ip'), client), 202, `request ${i}`)
      }
      await expectLimited(await requestReset(t, email, client), HOUR, 'a reset for a real account, over the IP limit')
      await expectLimited(await resendVerification(t, uniqueEmail('ip'), client), HOUR, 'a resend over the IP limit')
      await expectStatus(await requestReset(t, email, freshClient()), 202, 'the same address from another IP')
      await mailSettled(t)
      assert.equal(catcher.messagesTo(email).length, 2, 'the sign-up mail and the reset from the other IP')
    })
  },
)

describeWithMailApp(
  'mail per address per window',
  { RATE_LIMIT_EMAIL_PER_ADDRESS_WINDOW_SECONDS: '1', RATE_LIMIT_EMAIL_PER_ADDRESS: '1' },
  (t, catcher) => {
    it('the next window mails again', async () => {
      const { user } = await signUpWithMail(t, catcher)
      await expectStatus(await requestReset(t, user.user.email), 202)
      await resetToken(catcher, user.user.email)
      await sleep(1_100)
      await expectStatus(await requestReset(t, user.user.email), 202)
      await resetToken(catcher, user.user.email)
    })
  },
)

// A blank variable counts as unset (config.ts): the defaults apply.
describeWithMailApp(
  'mail limits by default',
  { RATE_LIMIT_EMAIL_PER_ADDRESS: '', RATE_LIMIT_EMAIL_PER_IP: '' },
  (t, catcher) => {
    it('an address gets one reset mail per 15 minutes, however often it is asked', async () => {
      const { user } = await signUpWithMail(t, catcher)
      for (let i = 1; i <= 6; i++) await expectStatus(await requestReset(t, user.user.email), 202, `request ${i}`)
      await mailSettled(t)
      assert.equal(catcher.messagesTo(user.user.email).length, 2, 'the sign-up mail and one reset mail')
    })

    it('a client IP gets 30 mail requests an hour', async () => {
      const client = freshClient()
      for (let i = 1; i <= 30; i++) {
        await expectStatus(await requestReset(t, uniqueEmail('default-ip'), client), 202, `request ${i}`)
      }
      await expectLimited(await requestReset(t, uniqueEmail('default-ip'), client), HOUR, 'request 31')
    })
  },
)

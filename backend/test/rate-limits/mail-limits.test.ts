/**
 * Decision 009 "Mail limits": verification and reset mail per email address and per client
 * IP per hour, counted whether or not the address has an account, so a 429 reveals nothing.
 *
 * The counters live in the database, which outlives a test (and, on PostgreSQL, a run):
 * every test uses fresh addresses and its own client IPs.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { HOUR, startAppWithMail, stopAppWithMail } from '../support/account.js'
import { type Client, freshClient } from '../support/clients.js'
import { expectLimited, expectStatus } from '../support/expectations.js'
import { closeDatabases, drivers, type TestApp, uniqueEmail } from '../support/harness.js'
import type { MailCatcher } from '../support/mail-catcher.js'
import { mailSettled, requestReset, resendVerification, signUpWithMail } from '../support/mailed-links.js'

after(closeDatabases)

const PER_ADDRESS = 3
const PER_IP = 5

for (const driver of drivers()) {
  describe(`mail limits (${driver})`, () => {
    let catcher: MailCatcher
    let t: TestApp
    before(
      async () =>
        ({ t, catcher } = await startAppWithMail(driver, {
          RATE_LIMIT_EMAIL_PER_ADDRESS: String(PER_ADDRESS),
          RATE_LIMIT_EMAIL_PER_IP: String(PER_IP),
        })),
    )
    after(() => stopAppWithMail({ t, catcher }))

    /** A user with an account, whose sign-up mail has been taken out of the way. */
    const accountEmail = async () => (await signUpWithMail(t, catcher)).user.user.email

    it(`refuses the reset request after ${PER_ADDRESS} for one address within the hour with 429 and Retry-After, and sends no more mail`, async () => {
      const email = await accountEmail()
      for (let i = 1; i <= PER_ADDRESS; i++) {
        await expectStatus(await requestReset(t, email), 202, `request ${i}`)
        await catcher.nextMessageTo(email)
      }
      // Each from a new IP: the address is what is counted.
      await expectLimited(await requestReset(t, email), HOUR, `request ${PER_ADDRESS + 1}`)
      await mailSettled(t)
      assert.equal(catcher.messagesTo(email).length, 1 + PER_ADDRESS, 'the sign-up mail and the allowed resets only')
    })

    it('limits an address without an account the same way, with the same 429', async () => {
      const known = await accountEmail()
      const unknown = uniqueEmail('ghost')
      for (let i = 1; i <= PER_ADDRESS; i++) {
        await expectStatus(await requestReset(t, known), 202, `known ${i}`)
        await expectStatus(await requestReset(t, unknown), 202, `unknown ${i}`)
      }
      const a = await expectLimited(await requestReset(t, known), HOUR, 'known, over the limit')
      const b = await expectLimited(await requestReset(t, unknown), HOUR, 'unknown, over the limit')
      assert.deepEqual(b, a, 'the 429 does not tell the two apart')
    })

    it('limits verification resends per address, for an address without an account too', async () => {
      const unknown = uniqueEmail('ghost')
      for (let i = 1; i <= PER_ADDRESS; i++) {
        await expectStatus(await resendVerification(t, unknown), 202, `resend ${i}`)
      }
      await expectLimited(await resendVerification(t, unknown), HOUR, `resend ${PER_ADDRESS + 1}`)
    })

    it('verification and reset mail count apart: resends cannot use up the reset quota', async () => {
      const email = uniqueEmail('apart')
      for (let i = 1; i <= PER_ADDRESS; i++) {
        await expectStatus(await resendVerification(t, email), 202, `resend ${i}`)
      }
      await expectLimited(await resendVerification(t, email), HOUR, 'resend over its limit')
      await expectStatus(await requestReset(t, email), 202, 'a reset for the same address')
    })

    it('counts an address whatever its case', async () => {
      const email = uniqueEmail('case')
      const spellings = [email, email.toUpperCase(), ` ${email.replace(/^./, (c) => c.toUpperCase())} `]
      for (const [i, spelling] of spellings.entries()) {
        await expectStatus(await requestReset(t, spelling), 202, `request ${i + 1}`)
      }
      await expectLimited(await requestReset(t, email.toUpperCase()), HOUR, 'over the limit in another case')
    })

    it(`refuses the mail request after ${PER_IP} from one client IP, whatever the addresses; other IPs go on`, async () => {
      const client: Client = freshClient()
      const email = await accountEmail()
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
  })

  describe(`mail limits by default (${driver})`, () => {
    let catcher: MailCatcher
    let t: TestApp
    // A blank variable counts as unset (config.ts): the defaults apply.
    before(
      async () =>
        ({ t, catcher } = await startAppWithMail(driver, {
          RATE_LIMIT_EMAIL_PER_ADDRESS: '',
          RATE_LIMIT_EMAIL_PER_IP: '',
        })),
    )
    after(() => stopAppWithMail({ t, catcher }))

    it('an address gets 5 mail requests an hour', async () => {
      const email = uniqueEmail('default')
      for (let i = 1; i <= 5; i++) await expectStatus(await requestReset(t, email), 202, `request ${i}`)
      await expectLimited(await requestReset(t, email), HOUR, 'request 6')
    })

    it('a client IP gets 30 mail requests an hour', async () => {
      const client = freshClient()
      for (let i = 1; i <= 30; i++) {
        await expectStatus(await requestReset(t, uniqueEmail('default-ip'), client), 202, `request ${i}`)
      }
      await expectLimited(await requestReset(t, uniqueEmail('default-ip'), client), HOUR, 'request 31')
    })
  })
}

/**
 * Decision 019: successful sign-ins were unlimited (about 40 a second from one client, each an
 * argon2 verification, a session row and an audit row). RATE_LIMIT_SIGNINS_PER_IP bounds every
 * password and passkey sign-in attempt per client, whatever the outcome, and counts each before
 * anything is checked, so a refused one uses nothing up.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { and, eq, isNull } from 'drizzle-orm'
import { recoveryCode } from '../../src/db/schema.js'
import { accountWithPasskey, signInWith, signinOptions, verify } from '../passkeys/support.js'
import { mfaStep, secondStep, totpAccount } from '../second-factors/support.js'
import { FIFTEEN_MINUTES } from '../support/account.js'
import { freshClient, signIn, signUpAs } from '../support/clients.js'
import { expectLimited, expectStatus } from '../support/expectations.js'
import { describeWithApp, type TestApp } from '../support/harness.js'

const PER_CLIENT = 4

const unusedRecoveryCodes = async (t: TestApp, userId: string) =>
  (
    await t.services.database.db
      .select({ id: recoveryCode.id })
      .from(recoveryCode)
      .where(and(eq(recoveryCode.userId, userId), isNull(recoveryCode.usedAt)))
  ).length

describeWithApp(
  'all sign-ins per client',
  { TRUSTED_PROXIES: '127.0.0.1,::1', RATE_LIMIT_SIGNINS_PER_IP: String(PER_CLIENT) },
  (t) => {
    it(`the ${PER_CLIENT + 1}th sign-in from one client in 15 minutes is 429, right password or not; other clients go on`, async () => {
      const s = await signUpAs(t, freshClient())
      const client = freshClient()
      for (let i = 1; i <= PER_CLIENT; i++) {
        await expectStatus(await signIn(t, s.user.email, s.password, client), 200, `sign-in ${i}`)
      }
      await expectLimited(await signIn(t, s.user.email, s.password, client), FIFTEEN_MINUTES, 'one more')
      await expectStatus(await signIn(t, s.user.email, s.password), 200, 'another client')
    })

    it('a passkey sign-in is counted with them', async () => {
      const account = await accountWithPasskey(t)
      const client = freshClient()
      for (let i = 1; i <= PER_CLIENT; i++) {
        await expectStatus(await signIn(t, account.s.user.email, account.s.password, client), 200, `password ${i}`)
      }
      await expectLimited(await signInWith(t, account.authenticator, {}, client), FIFTEEN_MINUTES, 'a passkey, then')
    })

    it('a passkey sign-in refused for the limit uses nothing up: the same answer works from another client', async () => {
      const account = await accountWithPasskey(t)
      const client = freshClient()
      for (let i = 1; i <= PER_CLIENT; i++) await signIn(t, account.s.user.email, account.s.password, client)
      const assertion = account.authenticator.assert(await signinOptions(t))
      await expectLimited(await verify(t, assertion, client), FIFTEEN_MINUTES, 'over the limit')
      await expectStatus(await verify(t, assertion), 200, 'the same assertion, from another client')
    })

    it('the second step of a TOTP sign-in is not refused after its code was used: the password step was the one counted', async () => {
      const a = await totpAccount(t)
      const client = freshClient()
      const step = await mfaStep(t, a, client)
      for (let i = 2; i <= PER_CLIENT; i++) await signIn(t, a.user.email, a.password, client)
      const before = await unusedRecoveryCodes(t, a.user.id)
      const res = await secondStep(t, { mfa_token: step.mfa_token, recovery_code: a.recoveryCodes[0] }, client)
      await expectStatus(res, 200, 'the second step, with the client at its limit')
      assert.equal(await unusedRecoveryCodes(t, a.user.id), before - 1)
    })
  },
)

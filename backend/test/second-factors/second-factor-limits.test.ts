/**
 * API.md "Second-factor limits": wrong TOTP and recovery codes are limited per account (15
 * minutes and a day) wherever a code is asked for; only a right code clears the count; a
 * refused request checks no code and uses none up; wrong codes and bad mfa_tokens also count
 * per client IP.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { recoveryCode } from '../../src/db/schema.js'
import { assertUnauthorized } from '../../testkit/problem.js'
import { BEHIND_PROXY, FIFTEEN_MINUTES } from '../support/account.js'
import { call, freshClient } from '../support/clients.js'
import { expectLimited } from '../support/expectations.js'
import type { TestApp } from '../support/harness.js'
import { describeWithApp } from '../support/harness.js'
import { mfaStep, passwordStep, secondStep, type TotpAccount, totpAccount, wrongCode } from './support.js'

const DAY = 86_400
/** A wrong code through a fresh second step of `a`; returns the answer. */
async function wrongSignInCode(t: TestApp, a: TotpAccount, client = freshClient()) {
  const { mfa_token } = await mfaStep(t, a, client)
  return secondStep(t, { mfa_token, code: wrongCode(a.authenticator.secret) }, client)
}

const unusedRecoveryCodes = async (t: TestApp, userId: string) =>
  (await t.services.database.db.select().from(recoveryCode).where(eq(recoveryCode.userId, userId))).filter(
    (r) => r.usedAt === null,
  ).length

describeWithApp(
  'second-factor limits per account',
  { ...BEHIND_PROXY, RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT: '3' },
  (t) => {
    it('refuses the 4th code after 3 wrong ones with 429 and Retry-After, checking and using up nothing', async () => {
      const a = await totpAccount(t)
      for (let i = 0; i < 3; i++) await assertUnauthorized(await wrongSignInCode(t, a), `wrong code ${i + 1}`)
      const { mfa_token } = await mfaStep(t, a)
      await expectLimited(await secondStep(t, { mfa_token, recovery_code: a.recoveryCodes[0] }), FIFTEEN_MINUTES)
      assert.equal(await unusedRecoveryCodes(t, a.user.id), 10, 'the recovery code was not used up')
      await expectLimited(await secondStep(t, { mfa_token, code: await a.authenticator.freshCode() }), FIFTEEN_MINUTES)
    })

    it('counts wrong codes at regeneration and disabling against the same limit', async () => {
      const a = await totpAccount(t)
      const body = { password: a.password, code: wrongCode(a.authenticator.secret) }
      const headers = { credential: { bearer: a.token } }
      await call(t, 'POST', '/api/me/2fa/recovery-codes', { ...headers, body })
      await call(t, 'DELETE', '/api/me/2fa/totp', { ...headers, body })
      await assertUnauthorized(await wrongSignInCode(t, a))
      const res = await call(t, 'DELETE', '/api/me/2fa/totp', {
        ...headers,
        body: { password: a.password, code: await a.authenticator.freshCode() },
      })
      await expectLimited(res, FIFTEEN_MINUTES, 'the right code at the 4th try')
    })

    it('is cleared by a right code, never by a right password', async () => {
      const a = await totpAccount(t)
      for (let i = 0; i < 2; i++) await wrongSignInCode(t, a)
      const { mfa_token } = await mfaStep(t, a)
      assert.equal((await secondStep(t, { mfa_token, code: await a.authenticator.freshCode() })).status, 200)
      for (let i = 0; i < 3; i++)
        await assertUnauthorized(await wrongSignInCode(t, a), `after the right code, wrong ${i + 1}`)
      // The password step still answers, and its right password clears nothing.
      const res = await passwordStep(t, a.user.email, a.password)
      assert.equal(res.status, 200)
      const { mfa_token: next } = (await res.json()) as { mfa_token: string }
      await expectLimited(
        await secondStep(t, { mfa_token: next, code: await a.authenticator.freshCode() }),
        FIFTEEN_MINUTES,
      )
    })
  },
)

describeWithApp(
  'second-factor limits per day',
  { ...BEHIND_PROXY, RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT: '1000', RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT_PER_DAY: '4' },
  (t) => {
    it('refuses the 5th code of a day after 4 wrong ones, with a Retry-After up to a day', async () => {
      const a = await totpAccount(t)
      for (let i = 0; i < 4; i++) await assertUnauthorized(await wrongSignInCode(t, a))
      const { mfa_token } = await mfaStep(t, a)
      const problem = await expectLimited(
        await secondStep(t, { mfa_token, code: await a.authenticator.freshCode() }),
        DAY,
      )
      assert.equal(problem.status, 429)
    })
  },
)

describeWithApp(
  'second-factor failures per client IP',
  { ...BEHIND_PROXY, RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT: '1000', RATE_LIMIT_SIGNIN_FAILURES_PER_IP: '4' },
  (t) => {
    it('counts wrong codes and bad mfa_tokens with the client’s failed sign-ins', async () => {
      const client = freshClient()
      const [a, b] = [await totpAccount(t), await totpAccount(t)]
      await assertUnauthorized(await secondStep(t, { mfa_token: 'no-such-token', code: '123456' }, client))
      await assertUnauthorized(await secondStep(t, { mfa_token: 'another-one', code: '123456' }, client))
      await assertUnauthorized(await wrongSignInCode(t, a, client))
      await assertUnauthorized(await wrongSignInCode(t, b, client))
      // Over the client's limit: even a right password is refused before it is checked.
      await expectLimited(await passwordStep(t, a.user.email, a.password, client), FIFTEEN_MINUTES)
      // Another client is not affected.
      const { mfa_token } = await mfaStep(t, a)
      assert.equal((await secondStep(t, { mfa_token, code: await a.authenticator.freshCode() })).status, 200)
    })
  },
)

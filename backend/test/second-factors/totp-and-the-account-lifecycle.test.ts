/**
 * TOTP beside the rest of an account's life (API.md "TOTP (RFC 6238) and recovery codes",
 * "Password sign-in with TOTP on"): a reset or change of the password leaves TOTP on and ends
 * any second step begun with the old password; deleting the account deletes its factors;
 * REQUIRE_EMAIL_VERIFICATION's 403 comes before the second step.
 */
import assert from 'node:assert/strict'
import { after, it } from 'node:test'
import { eq } from 'drizzle-orm'
import { mfaChallenge, recoveryCode, totpFactor } from '../../src/db/schema.js'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { describeWithMailApp, NEW_PASSWORD } from '../support/account.js'
import { call } from '../support/clients.js'
import { startTestApp, type TestApp } from '../support/harness.js'
import { confirmReset, mailedResetToken } from '../support/mailed-links.js'
import { mfaStep, passwordStep, secondStep, totpAccount } from './support.js'

const factorRows = async (t: TestApp, userId: string) => {
  const db = t.services.database.db
  return [
    ...(await db.select().from(totpFactor).where(eq(totpFactor.userId, userId))),
    ...(await db.select().from(recoveryCode).where(eq(recoveryCode.userId, userId))),
    ...(await db.select().from(mfaChallenge).where(eq(mfaChallenge.userId, userId))),
  ]
}

describeWithMailApp('TOTP and the account lifecycle', {}, (t, catcher, driver) => {
  it('a password reset leaves TOTP on and ends a second step begun before it', async () => {
    const a = await totpAccount(t)
    await catcher.nextMessageTo(a.user.email) // sign-up's verification mail
    const { mfa_token } = await mfaStep(t, a)
    const token = await mailedResetToken(t, catcher, a.user.email)
    assert.equal((await confirmReset(t, token, NEW_PASSWORD)).status, 204)
    const ended = await assertUnauthorized(await secondStep(t, { mfa_token, code: await a.authenticator.freshCode() }))
    assert.equal(ended.code, 'INVALID_MFA_TOKEN')
    const next = await mfaStep(t, { ...a, password: NEW_PASSWORD })
    assert.equal(
      (await secondStep(t, { mfa_token: next.mfa_token, code: await a.authenticator.freshCode() })).status,
      200,
    )
  })

  it('a password change leaves TOTP on and ends a second step begun before it', async () => {
    const a = await totpAccount(t)
    const { mfa_token } = await mfaStep(t, a)
    const res = await call(t, 'PUT', '/api/me/password', {
      credential: { bearer: a.token },
      body: { current_password: a.password, new_password: NEW_PASSWORD },
    })
    assert.equal(res.status, 204)
    const ended = await assertUnauthorized(await secondStep(t, { mfa_token, recovery_code: a.recoveryCodes[0] }))
    assert.equal(ended.code, 'INVALID_MFA_TOKEN')
    assert.equal((await mfaStep(t, { ...a, password: NEW_PASSWORD })).mfa_required, true)
  })

  it('deleting the account deletes its secret, recovery codes and challenges', async () => {
    const a = await totpAccount(t)
    await mfaStep(t, a)
    assert.ok((await factorRows(t, a.user.id)).length >= 12)
    const res = await call(t, 'DELETE', '/api/me', { credential: { bearer: a.token }, body: { password: a.password } })
    assert.equal(res.status, 204)
    assert.deepEqual(await factorRows(t, a.user.id), [])
  })

  let strict: TestApp | undefined
  after(() => strict?.close())

  it('REQUIRE_EMAIL_VERIFICATION: an unverified TOTP account gets its 403 before any second step', async () => {
    const a = await totpAccount(t) // made while verification was not required
    strict = await startTestApp(driver, { REQUIRE_EMAIL_VERIFICATION: 'true', SMTP_URL: catcher.url })
    const problem = await assertProblem(await passwordStep(strict, a.user.email, a.password), 403)
    assert.equal(problem.code, 'EMAIL_NOT_VERIFIED')
    // A second step begun before verification was required does not get round it either.
    const { mfa_token } = await mfaStep(t, a)
    const res = await secondStep(strict, { mfa_token, code: await a.authenticator.freshCode() })
    assert.equal((await assertProblem(res, 403)).code, 'EMAIL_NOT_VERIFIED')
  })
})

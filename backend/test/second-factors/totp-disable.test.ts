/**
 * Turning TOTP off (API.md "TOTP (RFC 6238) and recovery codes"): behind the password and a
 * code; sign-in is one step again, the owner is told, and no session is signed out.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { recoveryCode, totpFactor } from '../../src/db/schema.js'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithMailApp, WRONG_PASSWORD } from '../support/account.js'
import { call, freshClient, signInAs, signUpAs } from '../support/clients.js'
import { assertSession } from '../support/expectations.js'
import type { TestApp } from '../support/harness.js'
import { mailSettled } from '../support/mailed-links.js'
import { eventCount, mfaStep, secondStep, type TotpAccount, totpAccount, wrongCode } from './support.js'

const disable = (t: TestApp, a: TotpAccount, body: Record<string, unknown>) =>
  call(t, 'DELETE', '/api/me/2fa/totp', { credential: { bearer: a.token }, body })

describeWithMailApp('turning TOTP off', { RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT: '1000' }, (t, catcher) => {
  it('deletes the secret and the codes, makes sign-in one step again, signs nobody out and mails a notice', async () => {
    const a = await totpAccount(t)
    const step = await mfaStep(t, a)
    const other = await secondStep(t, { mfa_token: step.mfa_token, code: await a.authenticator.freshCode() })
    const otherToken = ((await other.json()) as { token: string }).token

    const res = await disable(t, a, { password: a.password, code: await a.authenticator.freshCode() })
    assert.equal(res.status, 204)
    const db = t.services.database.db
    assert.deepEqual(await db.select().from(totpFactor).where(eq(totpFactor.userId, a.user.id)), [])
    assert.deepEqual(await db.select().from(recoveryCode).where(eq(recoveryCode.userId, a.user.id)), [])
    await assertSession(t, a, true, 'the session that turned it off')
    assert.equal((await call(t, 'GET', '/api/me', { credential: { bearer: otherToken } })).status, 200)
    assert.equal(await eventCount(t, a.user.id, 'totp_disabled'), 1)

    const signedIn = await signInAs(t, freshClient(), a.user.email, a.password)
    assert.deepEqual(decodeJwt(signedIn.token).amr, ['pwd'])
    await mailSettled(t)
    const notice = catcher.messagesTo(a.user.email).find((m) => /turned off/i.test(m.subject))
    assert.ok(notice, 'the owner is told')
  })

  it('checks the password first: a wrong one is 422 on password and leaves the code unchecked and unused', async () => {
    const a = await totpAccount(t)
    const recovery_code = a.recoveryCodes[0]
    await assertProblem(await disable(t, a, { password: WRONG_PASSWORD, recovery_code }), 422, { fields: ['password'] })
    assert.equal(await eventCount(t, a.user.id, 'second_factor_failed'), 0)
    assert.equal((await disable(t, a, { password: a.password, recovery_code })).status, 204, 'the code still works')
  })

  it('refuses a wrong code with 422 on the field sent, records second_factor_failed, and stays on', async () => {
    const a = await totpAccount(t)
    const wrong = wrongCode(a.authenticator.secret)
    await assertProblem(await disable(t, a, { password: a.password, code: wrong }), 422, { fields: ['code'] })
    await assertProblem(await disable(t, a, { password: a.password, recovery_code: 'aaaaa-aaaaa' }), 422, {
      fields: ['recovery_code'],
    })
    assert.equal(await eventCount(t, a.user.id, 'second_factor_failed'), 2)
    await mfaStep(t, a) // still two steps
  })

  it('needs exactly one of code and recovery_code, and answers 409 when TOTP is off', async () => {
    const a = await totpAccount(t)
    await assertProblem(await disable(t, a, { password: a.password }), 422, { fields: ['code'] })
    const off = await signUpAs(t, freshClient())
    const res = await call(t, 'DELETE', '/api/me/2fa/totp', {
      credential: { bearer: off.token },
      body: { password: off.password, code: '123456' },
    })
    await assertProblem(res, 409)
  })
})

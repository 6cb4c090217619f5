/**
 * Recovery codes (API.md "TOTP (RFC 6238) and recovery codes", "Password sign-in with TOTP on"):
 * each works once, typed any way; signing in with one signs every other session out and tells
 * the owner; a new set replaces the old.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { recoveryCode } from '../../src/db/schema.js'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { describeWithMailApp } from '../support/account.js'
import { call } from '../support/clients.js'
import { assertSession } from '../support/expectations.js'
import type { TestApp } from '../support/harness.js'
import type { MailCatcher } from '../support/mail-catcher.js'
import { mailSettled } from '../support/mailed-links.js'
import { eventCount, mfaStep, secondStep, type TotpAccount, totpAccount, wrongCode } from './support.js'

const regenerate = (t: TestApp, a: TotpAccount, proof: Record<string, string>, password = a.password) =>
  call(t, 'POST', '/api/me/2fa/recovery-codes', { credential: { bearer: a.token }, body: { password, ...proof } })

const remaining = async (t: TestApp, a: TotpAccount) =>
  (
    (await (await call(t, 'GET', '/api/me/2fa', { credential: { bearer: a.token } })).json()) as {
      recovery_codes_remaining: number
    }
  ).recovery_codes_remaining

const noticesTo = (catcher: MailCatcher, email: string, subject: RegExp) =>
  catcher.messagesTo(email).filter((m) => subject.test(m.subject))

describeWithMailApp('recovery codes', { RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT: '1000' }, (t, catcher) => {
  it('are stored as keyed hashes, never as shown', async () => {
    const a = await totpAccount(t)
    const rows = await t.services.database.db.select().from(recoveryCode).where(eq(recoveryCode.userId, a.user.id))
    assert.equal(rows.length, 10)
    const stored = JSON.stringify(rows)
    for (const code of a.recoveryCodes) {
      assert.ok(!stored.includes(code) && !stored.includes(code.replace('-', '')), 'no code in the table')
    }
  })

  it('sign in once each, ignoring case, hyphens and spaces, with amr pwd+otp+mfa', async () => {
    const a = await totpAccount(t)
    const [code] = a.recoveryCodes as [string]
    const typed = ` ${code.toUpperCase().replace('-', ' ')} `
    const first = await mfaStep(t, a)
    const res = await secondStep(t, { mfa_token: first.mfa_token, recovery_code: typed })
    assert.equal(res.status, 200, await res.clone().text())
    const { token } = (await res.json()) as { token: string }
    assert.deepEqual(decodeJwt(token).amr, ['pwd', 'otp', 'mfa'])
    const again = await mfaStep(t, a)
    const problem = await assertUnauthorized(await secondStep(t, { mfa_token: again.mfa_token, recovery_code: code }))
    assert.equal(problem.code, 'INVALID_MFA_CODE', 'a used code is a wrong code')
    assert.equal(await remaining(t, { ...a, token }), 9)
  })

  it('sign every other session out, record recovery_code_used and mail the owner a notice', async () => {
    const a = await totpAccount(t)
    const viaCode = await mfaStep(t, a)
    const other = await secondStep(t, { mfa_token: viaCode.mfa_token, code: await a.authenticator.freshCode() })
    const otherToken = ((await other.json()) as { token: string }).token
    const { mfa_token } = await mfaStep(t, a)
    const res = await secondStep(t, { mfa_token, recovery_code: a.recoveryCodes[3] })
    assert.equal(res.status, 200)
    const fresh = (await res.json()) as { token: string; session_token: string }
    await assertSession(t, a, false, 'the session that turned TOTP on')
    assert.equal((await call(t, 'GET', '/api/me', { credential: { bearer: otherToken } })).status, 401)
    assert.equal((await call(t, 'GET', '/api/me', { credential: { bearer: fresh.token } })).status, 200)
    assert.equal(await eventCount(t, a.user.id, 'recovery_code_used'), 1)
    assert.equal(await eventCount(t, a.user.id, 'signed_in'), 2)
    await mailSettled(t)
    const [notice] = noticesTo(catcher, a.user.email, /recovery code was used/i)
    assert.ok(notice, 'a notice was mailed')
    assert.match(notice.text, new RegExp(`${t.config.publicUrl}/account`))
  })

  it('a TOTP sign-in signs nobody out and mails nothing', async () => {
    const a = await totpAccount(t)
    const { mfa_token } = await mfaStep(t, a)
    assert.equal((await secondStep(t, { mfa_token, code: await a.authenticator.freshCode() })).status, 200)
    await assertSession(t, a, true, 'the earlier session')
    await mailSettled(t)
    assert.deepEqual(noticesTo(catcher, a.user.email, /recovery code/i), [])
  })

  it('are replaced by a new set, behind the password and a code; the old ones stop working; nothing is revoked', async () => {
    const a = await totpAccount(t)
    const res = await regenerate(t, a, { code: await a.authenticator.freshCode() })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const { recovery_codes } = (await res.json()) as { recovery_codes: string[] }
    assert.equal(recovery_codes.length, 10)
    assert.equal(recovery_codes.filter((c) => a.recoveryCodes.includes(c)).length, 0)
    assert.equal(await remaining(t, a), 10)
    assert.equal(await eventCount(t, a.user.id, 'recovery_codes_regenerated'), 1)
    await assertSession(t, a, true, 'no session is revoked')
    const step = await mfaStep(t, a)
    await assertUnauthorized(await secondStep(t, { mfa_token: step.mfa_token, recovery_code: a.recoveryCodes[0] }))
    assert.equal((await secondStep(t, { mfa_token: step.mfa_token, recovery_code: recovery_codes[0] })).status, 200)
  })

  it('can be replaced with a recovery code, which is then used up like the rest', async () => {
    const a = await totpAccount(t)
    const res = await regenerate(t, a, { recovery_code: a.recoveryCodes[0] as string })
    assert.equal(res.status, 200)
    await assertProblem(await regenerate(t, a, { recovery_code: a.recoveryCodes[1] as string }), 422, {
      fields: ['recovery_code'],
    })
  })

  it('refuse a new set for a wrong password (422 on password, no code used up) or a wrong code (422 on code, counted)', async () => {
    const a = await totpAccount(t)
    await assertProblem(
      await regenerate(t, a, { recovery_code: a.recoveryCodes[0] as string }, 'wrong password 1'),
      422,
      {
        fields: ['password'],
      },
    )
    assert.equal(await remaining(t, a), 10, 'the code was neither checked nor used up')
    const wrong = wrongCode(a.authenticator.secret)
    await assertProblem(await regenerate(t, a, { code: wrong }), 422, { fields: ['code'] })
    assert.equal(await eventCount(t, a.user.id, 'second_factor_failed'), 1)
    await assertProblem(await regenerate(t, a, {}), 422, { fields: ['code'] })
  })

  it('cannot be made while TOTP is off: 409', async () => {
    const s = await totpAccount(t)
    const off = await call(t, 'DELETE', '/api/me/2fa/totp', {
      credential: { bearer: s.token },
      body: { password: s.password, code: await s.authenticator.freshCode() },
    })
    assert.equal(off.status, 204)
    await assertProblem(await regenerate(t, s, { recovery_code: s.recoveryCodes[0] as string }), 409)
  })
})

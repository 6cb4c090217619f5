/**
 * A password sign-in of an account with TOTP on (API.md "Password sign-in with TOTP on"): the
 * right password gives a second step and no credentials; a TOTP or recovery code finishes it.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { mfaChallenge, session } from '../../src/db/schema.js'
import { codeAtStep, timeStep } from '../../src/identity/second-factor/totp.js'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { BEHIND_PROXY, WRONG_PASSWORD } from '../support/account.js'
import { call, me, signIn } from '../support/clients.js'
import { describeWithApp, sessionCookie, type TestApp } from '../support/harness.js'
import { eventCount, mfaStep, passwordStep, secondStep, totpAccount, wrongCode } from './support.js'

const sessionsOf = async (t: TestApp, userId: string) =>
  (await t.services.database.db.select({ id: session.id }).from(session).where(eq(session.userId, userId))).length

// The second-factor limits have tests of their own (second-factor-limits.test.ts).
const NO_MFA_LIMITS = {
  RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT: '1000',
  RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT_PER_DAY: '1000',
}

describeWithApp('password sign-in with TOTP on', { ...BEHIND_PROXY, ...NO_MFA_LIMITS }, (t) => {
  it('answers the right password with 200 mfa_required and no credentials, no session and no signed_in event', async () => {
    const a = await totpAccount(t)
    const sessions = await sessionsOf(t, a.user.id)
    const signedIn = await eventCount(t, a.user.id, 'signed_in')
    const before = Date.now()
    const res = await passwordStep(t, a.user.email, a.password)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    assert.deepEqual(res.headers.getSetCookie(), [])
    const body = (await res.json()) as Record<string, unknown>
    assert.deepEqual(Object.keys(body).sort(), ['expires_at', 'methods', 'mfa_required', 'mfa_token'])
    assert.equal(body.mfa_required, true)
    assert.deepEqual(body.methods, ['totp', 'recovery_code'])
    assert.match(body.mfa_token as string, /^[\w-]{43,}$/, 'at least 128 random bits')
    const ttl = Date.parse(body.expires_at as string) - before
    assert.ok(ttl > 295_000 && ttl <= 301_000, `valid for AUTH_CHALLENGE_TTL_SECONDS: ${ttl} ms`)
    assert.equal(await sessionsOf(t, a.user.id), sessions)
    assert.equal(await eventCount(t, a.user.id, 'signed_in'), signedIn)
  })

  it('stores the mfa_token hashed, never as sent', async () => {
    const a = await totpAccount(t)
    const { mfa_token } = await mfaStep(t, a)
    const rows = await t.services.database.db.select().from(mfaChallenge).where(eq(mfaChallenge.userId, a.user.id))
    assert.equal(rows.length, 1)
    assert.ok(!JSON.stringify(rows).includes(mfa_token))
  })

  it('answers a wrong password exactly as for an unknown email, so only the password tells TOTP is on', async () => {
    const a = await totpAccount(t)
    const wrong = await assertUnauthorized(await signIn(t, a.user.email, WRONG_PASSWORD))
    const unknown = await assertUnauthorized(await signIn(t, `nobody-${Date.now()}@example.com`, WRONG_PASSWORD))
    assert.deepEqual(wrong, unknown)
  })

  it('finishes with a code: the sign-in body, the session cookie, amr pwd+otp+mfa, signed_in recorded', async () => {
    const a = await totpAccount(t)
    const { mfa_token } = await mfaStep(t, a)
    const res = await secondStep(t, { mfa_token, code: await a.authenticator.freshCode() })
    assert.equal(res.status, 200, await res.clone().text())
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const body = (await res.json()) as {
      user: { id: string }
      token: string
      session_token: string
      expires_at: string
    }
    assert.equal(body.user.id, a.user.id)
    assert.deepEqual(decodeJwt(body.token).amr, ['pwd', 'otp', 'mfa'])
    const cookie = sessionCookie(res)
    assert.ok(cookie, 'the session cookie is set')
    for (const credential of [{ bearer: body.token }, { bearer: body.session_token }, { cookie }]) {
      assert.equal((await me(t, credential)).status, 200)
    }
    const renewed = (await (await t.get('/api/auth/token', body.session_token)).json()) as { token: string }
    assert.deepEqual(decodeJwt(renewed.token).amr, ['pwd', 'otp', 'mfa'], 'a renewed token keeps the amr')
    assert.equal(await eventCount(t, a.user.id, 'signed_in'), 1)
  })

  it('accepts a code of the step before or after now, and refuses one two steps away', async () => {
    const a = await totpAccount(t)
    const now = timeStep(Date.now())
    // Enabling used the current step; earlier steps are no longer accepted, so look ahead.
    const far = await mfaStep(t, a)
    const twoAhead = codeAtStep(a.authenticator.secret, now + 3)
    await assertUnauthorized(await secondStep(t, { mfa_token: far.mfa_token, code: twoAhead }))
    const next = await secondStep(t, { mfa_token: far.mfa_token, code: codeAtStep(a.authenticator.secret, now + 1) })
    assert.equal(next.status, 200, 'one step ahead (clock drift) is accepted')
  })

  it('refuses a code replayed, or of a step older than the last accepted, with 401 INVALID_MFA_CODE', async () => {
    const a = await totpAccount(t)
    const now = timeStep(Date.now())
    const used = codeAtStep(a.authenticator.secret, now + 1)
    const first = await mfaStep(t, a)
    assert.equal((await secondStep(t, { mfa_token: first.mfa_token, code: used })).status, 200)
    const again = await mfaStep(t, a)
    for (const code of [used, codeAtStep(a.authenticator.secret, now)]) {
      if (code === codeAtStep(a.authenticator.secret, now + 2)) continue // the same digits as a newer step
      const problem = await assertUnauthorized(await secondStep(t, { mfa_token: again.mfa_token, code }))
      assert.equal(problem.code, 'INVALID_MFA_CODE')
    }
  })

  it('records second_factor_failed for a wrong code and ends the challenge at the third', async () => {
    const a = await totpAccount(t)
    const code = await a.authenticator.freshCode()
    const { mfa_token } = await mfaStep(t, a)
    for (let i = 1; i <= 3; i++) {
      const problem = await assertUnauthorized(
        await secondStep(t, { mfa_token, code: wrongCode(a.authenticator.secret) }),
      )
      assert.equal(problem.code, 'INVALID_MFA_CODE', `wrong code ${i}`)
    }
    assert.equal(await eventCount(t, a.user.id, 'second_factor_failed'), 3)
    const ended = await assertUnauthorized(await secondStep(t, { mfa_token, code }))
    assert.equal(ended.code, 'INVALID_MFA_TOKEN', 'the right code no longer helps')
    // Two wrong codes leave it usable.
    const fresh = await mfaStep(t, a)
    for (let i = 0; i < 2; i++)
      await secondStep(t, { mfa_token: fresh.mfa_token, code: wrongCode(a.authenticator.secret) })
    assert.equal((await secondStep(t, { mfa_token: fresh.mfa_token, code })).status, 200)
  })

  it('refuses an unknown, expired or used mfa_token with 401 INVALID_MFA_TOKEN, checking no code', async () => {
    const a = await totpAccount(t)
    const cases: [string, string][] = [['unknown', 'x'.repeat(43)]]
    const expired = await mfaStep(t, a)
    await t.services.database.db
      .update(mfaChallenge)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(mfaChallenge.userId, a.user.id))
    cases.push(['expired', expired.mfa_token])
    const used = await mfaStep(t, a)
    assert.equal(
      (await secondStep(t, { mfa_token: used.mfa_token, code: await a.authenticator.freshCode() })).status,
      200,
    )
    cases.push(['used', used.mfa_token])
    for (const [what, mfa_token] of cases) {
      const recovery_code = a.recoveryCodes[0]
      const problem = await assertUnauthorized(await secondStep(t, { mfa_token, recovery_code }), what)
      assert.equal(problem.code, 'INVALID_MFA_TOKEN', what)
    }
    const fresh = await mfaStep(t, a)
    const res = await secondStep(t, { mfa_token: fresh.mfa_token, recovery_code: a.recoveryCodes[0] })
    assert.equal(res.status, 200, 'the recovery code sent with bad tokens was not used up')
  })

  it('is no credential anywhere else: an mfa_token as a bearer is a 401', async () => {
    const a = await totpAccount(t)
    const { mfa_token } = await mfaStep(t, a)
    await assertUnauthorized(await me(t, { bearer: mfa_token }))
    await assertUnauthorized(await t.get('/api/auth/token', mfa_token))
  })

  it('refuses malformed second steps with 400, 415 or 422 and counts none of them', async () => {
    const a = await totpAccount(t)
    const { mfa_token } = await mfaStep(t, a)
    const code = await a.authenticator.freshCode()
    const bodies: [unknown, string[]][] = [
      [{ mfa_token }, ['code']],
      [{ mfa_token, code, recovery_code: a.recoveryCodes[0] }, ['code']],
      [{ mfa_token, code: '12345' }, ['code']],
      [{ mfa_token, recovery_code: 'not a code!' }, ['recovery_code']],
      [{ mfa_token: 'x'.repeat(513), code }, ['mfa_token']],
      [{ code }, ['mfa_token']],
      [{ mfa_token, code, remember: true }, ['remember']],
    ]
    for (const [body, fields] of bodies) {
      await assertProblem(await secondStep(t, body as Record<string, unknown>), 422, {
        fields,
        what: JSON.stringify(body),
      })
    }
    const raw = (contentType: string, body: string) =>
      t.fetch('/api/auth/signin/2fa', { method: 'POST', headers: { 'content-type': contentType }, body })
    await assertProblem(await raw('application/json', '{"mfa_token":'), 400)
    await assertProblem(await raw('text/plain', JSON.stringify({ mfa_token, code })), 415)
    assert.equal(await eventCount(t, a.user.id, 'second_factor_failed'), 0)
    assert.equal((await secondStep(t, { mfa_token, code })).status, 200, 'none of them used the challenge up')
  })

  it('ends the challenge when TOTP is turned off', async () => {
    const a = await totpAccount(t)
    const { mfa_token } = await mfaStep(t, a)
    const off = await call(t, 'DELETE', '/api/me/2fa/totp', {
      credential: { bearer: a.token },
      body: { password: a.password, recovery_code: a.recoveryCodes[0] },
    })
    assert.equal(off.status, 204)
    const problem = await assertUnauthorized(await secondStep(t, { mfa_token, recovery_code: a.recoveryCodes[1] }))
    assert.equal(problem.code, 'INVALID_MFA_TOKEN')
  })
})

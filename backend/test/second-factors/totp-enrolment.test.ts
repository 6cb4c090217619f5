/**
 * Turning TOTP on (API.md "TOTP (RFC 6238) and recovery codes"): a pending enrolment behind the
 * password, confirmed with a first code; then every other session ends and recovery codes are
 * shown once.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { session as sessionTable, totpFactor } from '../../src/db/schema.js'
import { ENROLMENT_MAX_WRONG_CODES } from '../../src/identity/second-factor/second-factors.js'
import { codeAtStep, timeStep } from '../../src/identity/second-factor/totp.js'
import { assertProblem } from '../../testkit/problem.js'
import { BEHIND_PROXY, WRONG_PASSWORD } from '../support/account.js'
import { call, freshClient, signIn, signInAs, signUpAs } from '../support/clients.js'
import { assertSession, sessionIdOf } from '../support/expectations.js'
import { describeWithApp, type SignedIn, type TestApp } from '../support/harness.js'
import { beginEnrolment, currentCode, enableTotp, eventCount, wrongCode } from './support.js'

const status = async (t: TestApp, s: SignedIn) => {
  const res = await call(t, 'GET', '/api/me/2fa', { credential: { bearer: s.token } })
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('cache-control'), 'no-store')
  return (await res.json()) as Record<string, unknown>
}
const confirm = (t: TestApp, s: SignedIn, code: unknown) =>
  call(t, 'POST', '/api/me/2fa/totp/confirm', { credential: { bearer: s.token }, body: { code } })

describeWithApp('turning TOTP on', { ...BEHIND_PROXY, RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '3' }, (t) => {
  it('begins behind the password with a base32 secret, its otpauth URI and a 10-minute expiry, never cached', async () => {
    const s = await signUpAs(t, freshClient(), { email: `Totp.Begin-${Date.now()}@example.com` })
    const before = Date.now()
    const res = await call(t, 'POST', '/api/me/2fa/totp', {
      credential: { bearer: s.token },
      body: { password: s.password },
    })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const body = (await res.json()) as { secret: string; otpauth_uri: string; expires_at: string }
    assert.deepEqual(Object.keys(body).sort(), ['expires_at', 'otpauth_uri', 'secret'])
    assert.match(body.secret, /^[A-Z2-7]{32}$/, '20 bytes in base32, upper case, no padding')
    assert.equal(
      body.otpauth_uri,
      `otpauth://totp/Taskwell:${encodeURIComponent(s.user.email)}?secret=${body.secret}&issuer=Taskwell&algorithm=SHA1&digits=6&period=30`,
    )
    const expiresIn = Date.parse(body.expires_at) - before
    assert.ok(expiresIn > 595_000 && expiresIn <= 601_000, `expires in ${expiresIn} ms`)
    assert.deepEqual(await status(t, s), {
      totp_enabled: false,
      totp_enabled_at: null,
      recovery_codes_remaining: 0,
      passkey_count: 0,
    })
  })

  it('refuses a wrong password with 422 on password, counted against password guessing per account', async () => {
    const s = await signUpAs(t, freshClient())
    for (let i = 0; i < 3; i++) {
      const res = await call(t, 'POST', '/api/me/2fa/totp', {
        credential: { bearer: s.token },
        body: { password: WRONG_PASSWORD },
      })
      await assertProblem(res, 422, { fields: ['password'] })
    }
    const res = await call(t, 'POST', '/api/me/2fa/totp', {
      credential: { bearer: s.token },
      body: { password: s.password },
    })
    assert.equal(res.status, 429, 'the 4th try is over the limit of 3, even with the right password')
  })

  it('turns on with a first code: 10 recovery codes shown once, TOTP on, the event recorded', async () => {
    const s = await signUpAs(t, freshClient())
    const secret = await beginEnrolment(t, s)
    const res = await confirm(t, s, currentCode(secret))
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const { recovery_codes } = (await res.json()) as { recovery_codes: string[] }
    assert.equal(recovery_codes.length, 10)
    for (const code of recovery_codes) assert.match(code, /^[a-z0-9]{5}-[a-z0-9]{5}$/)
    assert.equal(new Set(recovery_codes).size, 10)
    const now = await status(t, s)
    assert.equal(now.totp_enabled, true)
    assert.ok(Math.abs(Date.parse(now.totp_enabled_at as string) - Date.now()) < 10_000)
    assert.equal(now.recovery_codes_remaining, 10)
    assert.equal(await eventCount(t, s.user.id, 'totp_enabled'), 1)
  })

  it('signs out every other session with its access tokens, and keeps the one that turned it on', async () => {
    const client = freshClient()
    const s = await signUpAs(t, client)
    const other = await signInAs(t, freshClient(), s.user.email, s.password)
    await enableTotp(t, s, client)
    await assertSession(t, other, false, 'the other session')
    await assertSession(t, s, true, 'the session that turned TOTP on')
    assert.deepEqual(
      (
        await call(t, 'GET', '/api/me/events?limit=1', { credential: { bearer: s.token } }).then((r) => r.json())
      ).items.map((e: { action: string }) => e.action),
      ['totp_enabled'],
    )
  })

  it('leaves no password-only session behind, even of sign-ins racing the confirmation', async () => {
    const client = freshClient()
    const s = await signUpAs(t, client)
    const secret = await beginEnrolment(t, s, client)
    let confirmed = false
    // Sign-ins that checked "TOTP off" just before it was turned on make their sessions around the sweep.
    const signInLoop = async () => {
      while (!confirmed) {
        const res = await signIn(t, s.user.email, s.password)
        await res.body?.cancel()
      }
      for (let i = 0; i < 3; i++) await (await signIn(t, s.user.email, s.password)).body?.cancel()
    }
    const loops = Array.from({ length: 8 }, signInLoop)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const res = await confirm(t, s, currentCode(secret))
    confirmed = true
    await Promise.all(loops)
    assert.equal(res.status, 200)
    const left = await t.services.database.db
      .select({ id: sessionTable.id })
      .from(sessionTable)
      .where(eq(sessionTable.userId, s.user.id))
    assert.deepEqual(left, [{ id: sessionIdOf(s) }], 'only the session that turned TOTP on is left')
  })

  it('answers a wrong code with 422 on code, not counted against the account: the right one still works', async () => {
    const s = await signUpAs(t, freshClient())
    const secret = await beginEnrolment(t, s)
    const wrong = wrongCode(secret)
    for (let i = 0; i < ENROLMENT_MAX_WRONG_CODES - 1; i++) {
      await assertProblem(await confirm(t, s, wrong), 422, { fields: ['code'] })
    }
    assert.equal((await confirm(t, s, currentCode(secret))).status, 200)
  })

  it(`ends the enrolment at its ${ENROLMENT_MAX_WRONG_CODES}th wrong code, so a stolen session cannot guess its way to turning TOTP on`, async () => {
    const s = await signUpAs(t, freshClient())
    const secret = await beginEnrolment(t, s)
    const wrong = wrongCode(secret)
    for (let i = 1; i < ENROLMENT_MAX_WRONG_CODES; i++) await assertProblem(await confirm(t, s, wrong), 422)
    const last = await assertProblem(await confirm(t, s, wrong), 409)
    assert.match(last.detail ?? '', /begin again/i)
    await assertProblem(await confirm(t, s, currentCode(secret)), 409, { what: 'the right code, too late' })
    const again = await beginEnrolment(t, s)
    assert.equal((await confirm(t, s, currentCode(again))).status, 200, 'beginning again gives a new chance')
  })

  it('accepts a code with spaces, and refuses one that is not 6 digits with 422 without checking it', async () => {
    const s = await signUpAs(t, freshClient())
    const secret = await beginEnrolment(t, s)
    for (const bad of ['12345', '1234567', 'abcdef', '', 123456, null, '１２３４５６']) {
      await assertProblem(await confirm(t, s, bad), 422, { fields: ['code'], what: JSON.stringify(bad) })
    }
    const code = currentCode(secret)
    assert.equal((await confirm(t, s, `${code.slice(0, 3)} ${code.slice(3)}`)).status, 200)
  })

  it('is replaced by beginning again: the first secret no longer confirms', async () => {
    const s = await signUpAs(t, freshClient())
    const first = await beginEnrolment(t, s)
    const second = await beginEnrolment(t, s)
    assert.notEqual(first, second)
    const step = timeStep(Date.now())
    if (codeAtStep(first, step) !== codeAtStep(second, step)) {
      await assertProblem(await confirm(t, s, codeAtStep(first, step)), 422, { fields: ['code'] })
    }
    assert.equal((await confirm(t, s, codeAtStep(second, step))).status, 200)
  })

  it('answers 409 with no enrolment waiting, after it expired, and once TOTP is on (begin and confirm)', async () => {
    const s = await signUpAs(t, freshClient())
    await assertProblem(await confirm(t, s, '123456'), 409)
    const secret = await beginEnrolment(t, s)
    await t.services.database.db
      .update(totpFactor)
      .set({ pendingExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(totpFactor.userId, s.user.id))
    await assertProblem(await confirm(t, s, currentCode(secret)), 409, { what: 'expired enrolment' })

    const on = await signUpAs(t, freshClient())
    const { authenticator } = await enableTotp(t, on)
    await assertProblem(await confirm(t, on, await authenticator.freshCode()), 409, { what: 'confirm again' })
    const again = await call(t, 'POST', '/api/me/2fa/totp', {
      credential: { bearer: on.token },
      body: { password: on.password },
    })
    await assertProblem(again, 409, { what: 'begin again' })
    assert.equal((await status(t, on)).totp_enabled, true, 'the authenticator in use was not replaced')
  })

  it('needs credentials on every route', async () => {
    for (const [method, path] of [
      ['GET', '/api/me/2fa'],
      ['POST', '/api/me/2fa/totp'],
      ['POST', '/api/me/2fa/totp/confirm'],
      ['DELETE', '/api/me/2fa/totp'],
      ['POST', '/api/me/2fa/recovery-codes'],
    ] as const) {
      const res = await call(t, method, path, { body: method === 'GET' ? undefined : {} })
      assert.equal(res.status, 401, `${method} ${path}`)
    }
  })
})

/**
 * API.md "Passkeys", usernameless sign-in: POST /api/auth/passkey/options (`{}` or no body),
 * then POST /api/auth/passkey/verify `{ credential }` → sign-in's body and cookie, the passkey
 * `amr` (`hwk` or `swk` by the BE flag), `signed_in` recorded, `last_used_at` moved; TOTP on
 * or not.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { isoBase64URL } from '@simplewebauthn/server/helpers'
import { codeAtStep, timeStep } from '../../src/identity/second-factor/totp.js'
import { assertProblem } from '../../testkit/problem.js'
import { BEHIND_PROXY, RFC3339_UTC } from '../support/account.js'
import { call, freshClient } from '../support/clients.js'
import { assertSession } from '../support/expectations.js'
import { describeWithApp, type SignedIn, sessionCookie } from '../support/harness.js'
import { USER_KEYS } from '../support/user-result.js'
import {
  accountWithPasskey,
  amrOf,
  askSigninOptions,
  bearer,
  eventActions,
  listPasskeys,
  signInWith,
} from './support.js'

describeWithApp('signing in with a passkey', BEHIND_PROXY, (t) => {
  it('options: challenge, rpId, timeout, userVerification required, allowCredentials empty, no-store', async () => {
    const res = await askSigninOptions(t)
    assert.equal(res.status, 200, await res.clone().text())
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const body = (await res.json()) as { options: Record<string, unknown>; expires_at: string }
    assert.deepEqual(Object.keys(body).sort(), ['expires_at', 'options'])
    assert.match(body.expires_at, RFC3339_UTC)
    const { challenge, ...rest } = body.options as { challenge: string }
    assert.ok(isoBase64URL.toBuffer(challenge).byteLength >= 32, 'at least 32 random bytes')
    assert.deepEqual(rest, { rpId: 'localhost', timeout: 300_000, userVerification: 'required', allowCredentials: [] })
  })

  it('options with no body at all, or {}, are the same; any member is 422', async () => {
    const none = await t.fetch('/api/auth/passkey/options', { method: 'POST', headers: freshClient().headers })
    assert.equal(none.status, 200, await none.clone().text())
    assert.equal((await askSigninOptions(t, freshClient(), {})).status, 200)
    await assertProblem(await askSigninOptions(t, freshClient(), { email: 'a@example.com' }), 422, {
      fields: ['email'],
    })
  })

  it("a device-bound passkey (BE clear): 200 with sign-in's body and cookie, amr hwk user mfa, no-store", async () => {
    const { s, authenticator } = await accountWithPasskey(t)
    const res = await signInWith(t, authenticator)
    assert.equal(res.status, 200, await res.clone().text())
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const body = (await res.clone().json()) as Omit<SignedIn, 'cookie' | 'password'>
    assert.deepEqual(Object.keys(body).sort(), ['expires_at', 'session_token', 'token', 'user'])
    assert.deepEqual(Object.keys(body.user).sort(), USER_KEYS)
    assert.equal(body.user.id, s.user.id)
    assert.deepEqual(await amrOf(res), ['hwk', 'user', 'mfa'])
    const cookie = sessionCookie(res)
    assert.ok(cookie, 'session cookie set')
    await assertSession(t, { ...s, ...body, cookie }, true, 'the new session')
  })

  it('a synced passkey (BE set): amr swk user mfa', async () => {
    const { authenticator } = await accountWithPasskey(t, { origin: '', backupEligible: true })
    const res = await signInWith(t, authenticator)
    assert.equal(res.status, 200, await res.clone().text())
    assert.deepEqual(await amrOf(res), ['swk', 'user', 'mfa'])
  })

  it('an EdDSA passkey signs in', async () => {
    const { authenticator } = await accountWithPasskey(t, { origin: '', algorithm: 'EdDSA' })
    assert.equal((await signInWith(t, authenticator)).status, 200)
  })

  it('the amr stays on the session: a refreshed access token carries it', async () => {
    const { authenticator } = await accountWithPasskey(t)
    const res = await signInWith(t, authenticator)
    const { session_token } = (await res.json()) as { session_token: string }
    const refreshed = await call(t, 'GET', '/api/auth/token', { credential: { bearer: session_token } })
    assert.equal(refreshed.status, 200)
    assert.deepEqual(await amrOf(refreshed), ['hwk', 'user', 'mfa'])
  })

  it('records signed_in, and the passkey shows when it was last used', async () => {
    const account = await accountWithPasskey(t)
    assert.equal(account.passkey.last_used_at, null)
    const before = Date.now()
    assert.equal((await signInWith(t, account.authenticator)).status, 200)
    assert.equal((await eventActions(t, account))[0], 'signed_in')
    const [listed] = await listPasskeys(t, account)
    assert.ok(listed?.last_used_at, 'last_used_at is set')
    assert.ok(Date.parse(listed.last_used_at) >= before - 1000, 'last_used_at is now')
  })

  it('an account with TOTP on signs in with its passkey alone', async () => {
    const account = await accountWithPasskey(t)
    const begun = await call(t, 'POST', '/api/me/2fa/totp', {
      credential: bearer(account.s),
      body: { password: account.s.password },
    })
    assert.equal(begun.status, 200, await begun.clone().text())
    const { secret } = (await begun.json()) as { secret: string }
    const confirmed = await call(t, 'POST', '/api/me/2fa/totp/confirm', {
      credential: bearer(account.s),
      body: { code: codeAtStep(secret, timeStep(Date.now())) },
    })
    assert.equal(confirmed.status, 200, await confirmed.clone().text())
    const res = await signInWith(t, account.authenticator)
    assert.equal(res.status, 200, await res.clone().text())
    const body = (await res.json()) as Record<string, unknown>
    assert.equal(body.mfa_required, undefined)
    assert.ok(body.token)
  })
})

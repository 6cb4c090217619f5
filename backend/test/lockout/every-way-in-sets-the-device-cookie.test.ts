/**
 * Decision 018: a successful sign-in by any way leaves the browser a device cookie for the
 * account; with TOTP on, after the second step (the password step makes no session, so it
 * proves nothing yet), and a passkey's. Whichever way set it, it lets its browser past strangers.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { accountWithPasskey, signInWith } from '../passkeys/support.js'
import { passwordStep, secondStep, totpAccount } from '../second-factors/support.js'
import { call, freshClient, signUpAs } from '../support/clients.js'
import { expectLimited } from '../support/expectations.js'
import { describeWithApp, STRONG_PASSWORD } from '../support/harness.js'
import { CEILING, deviceCookieOf, deviceSetCookieOf, LOCKOUT_ENV, signin, strangersFail } from './support.js'

const DAY = 86_400

describeWithApp('every way in sets the device cookie', LOCKOUT_ENV, (t) => {
  it('sign-in (both routes) sets it: HttpOnly, SameSite=Lax, Path=/, long-lived', async () => {
    const s = await signUpAs(t, freshClient())
    for (const via of ['seed', 'better-auth'] as const) {
      const { res } = await signin(t, s.user.email, s.password, { via })
      assert.equal(res.status, 200, `${via}: ${await res.clone().text()}`)
      const set = deviceSetCookieOf(res) ?? ''
      assert.match(set, /HttpOnly/i, via)
      assert.match(set, /SameSite=Lax/i, via)
      assert.match(set, /Path=\//i, via)
      const maxAge = Number(/Max-Age=(\d+)/i.exec(set)?.[1])
      assert.ok(maxAge >= 30 * DAY, `${via}: Max-Age ${maxAge}`)
    }
  })

  it('with TOTP on, the password step sets none; the second step does, and it works', async () => {
    const a = await totpAccount(t)
    const client = freshClient()
    const step = await passwordStep(t, a.user.email, a.password, client)
    assert.equal(step.status, 200)
    assert.equal(deviceCookieOf(step), undefined, 'no device cookie before the second factor')
    const { mfa_token } = (await step.json()) as { mfa_token: string }
    const done = await secondStep(t, { mfa_token, code: await a.authenticator.freshCode() }, client)
    assert.equal(done.status, 200, await done.clone().text())
    const deviceCookie = deviceCookieOf(done)
    assert.ok(deviceCookie, 'the second step leaves a device cookie')

    await strangersFail(t, a.user.email, CEILING)
    await expectLimited(await passwordStep(t, a.user.email, a.password), DAY, 'a new client at the ceiling')
    const res = await call(t, 'POST', '/api/auth/signin', {
      body: { email: a.user.email, password: a.password },
      client: freshClient(),
      headers: { cookie: deviceCookie },
    })
    assert.equal(res.status, 200, 'the browser that passed the second step reaches it again')
    // A device cookie is no second factor: the code is still asked for.
    assert.equal(((await res.json()) as { mfa_required?: boolean }).mfa_required, true)
  })

  it('a passkey sign-in sets it, and it lets that browser past strangers', async () => {
    const account = await accountWithPasskey(t)
    const res = await signInWith(t, account.authenticator)
    assert.equal(res.status, 200, await res.clone().text())
    const deviceCookie = deviceCookieOf(res)
    assert.ok(deviceCookie, 'a passkey sign-in leaves a device cookie')

    await strangersFail(t, account.s.user.email, CEILING)
    await expectLimited((await signin(t, account.s.user.email, STRONG_PASSWORD)).res, DAY, 'a new client')
    const browser = await signin(t, account.s.user.email, STRONG_PASSWORD, { deviceCookie })
    assert.equal(browser.res.status, 200, await browser.res.clone().text())
  })
})

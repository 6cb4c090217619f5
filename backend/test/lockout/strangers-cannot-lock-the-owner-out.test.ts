/**
 * Decision 018: anyone who knows an email could lock its owner out of password sign-in (ten
 * wrong passwords from anywhere, 15 minutes). Now strangers' failures slow and, at a ceiling far
 * above what a person does, stop only clients without the account's device cookie; the owner's
 * own browser signs in at once, and a device cookie is worth a bounded number of guesses.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { NEW_PASSWORD, WRONG_PASSWORD } from '../support/account.js'
import { call, freshClient, signUpAs } from '../support/clients.js'
import { expectLimited } from '../support/expectations.js'
import { describeWithApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../support/harness.js'
import {
  CEILING,
  deviceCookieOf,
  FIRST_PAUSE_MS,
  LOCKOUT_ENV,
  MAX_PAUSE_MS,
  PER_CLIENT,
  signin,
  strangersFail,
} from './support.js'

const DAY = 86_400

/** An account signed up from a browser of its owner's, which keeps the device cookie. */
async function ownerWithBrowser(t: TestApp): Promise<{ email: string; deviceCookie: string }> {
  const email = uniqueEmail('owner')
  const res = await call(t, 'POST', '/api/auth/signup', {
    body: { email, password: STRONG_PASSWORD },
    client: freshClient(),
  })
  assert.equal(res.status, 201, await res.clone().text())
  const deviceCookie = deviceCookieOf(res)
  assert.ok(deviceCookie, 'sign-up leaves a device cookie')
  return { email, deviceCookie }
}

describeWithApp('strangers cannot lock the owner out', LOCKOUT_ENV, (t) => {
  it(`after ${CEILING} strangers' failures from as many clients, the owner's browser signs in at once; a new client gets 429`, async () => {
    const owner = await ownerWithBrowser(t)
    await strangersFail(t, owner.email, CEILING)

    const stranger = await signin(t, owner.email, WRONG_PASSWORD)
    await expectLimited(stranger.res, DAY, 'one more stranger')
    const newDevice = await signin(t, owner.email, STRONG_PASSWORD)
    await expectLimited(newDevice.res, DAY, 'the right password from a client without the device cookie')

    const browser = await signin(t, owner.email, STRONG_PASSWORD, { deviceCookie: owner.deviceCookie })
    assert.equal(browser.res.status, 200, await browser.res.clone().text())
    assert.ok(deviceCookieOf(browser.res), 'a fresh device cookie')
    // The owner proved the password: the account's count starts again — on every instance within
    // a second (another one may answer from its memory of the block until it asks the database).
    const signedInAt = Date.now()
    let after = await signin(t, owner.email, STRONG_PASSWORD)
    while (after.res.status === 429 && Date.now() - signedInAt < 1_500) {
      await sleep(100)
      after = await signin(t, owner.email, STRONG_PASSWORD)
    }
    assert.equal(after.res.status, 200, 'a new client after the owner signed in')
  })

  it("Better Auth's sign-in/email honours the device cookie too", async () => {
    const owner = await ownerWithBrowser(t)
    await strangersFail(t, owner.email, CEILING)
    const browser = await signin(t, owner.email, STRONG_PASSWORD, {
      deviceCookie: owner.deviceCookie,
      via: 'better-auth',
    })
    assert.equal(browser.res.status, 200, await browser.res.clone().text())
  })

  it('a client without the device cookie is paused past the per-client limit, longer with each failure, and still gets in', async () => {
    const owner = await ownerWithBrowser(t)
    const times: number[] = []
    for (let i = 1; i <= PER_CLIENT + 3; i++) {
      const { res, ms } = await signin(t, owner.email, WRONG_PASSWORD)
      assert.equal(res.status, 401, `failure ${i}`)
      times.push(ms)
    }
    const [a, b, c] = times.slice(PER_CLIENT) as [number, number, number]
    assert.ok(a >= FIRST_PAUSE_MS, `failure ${PER_CLIENT + 1} paused ${a.toFixed(0)} ms`)
    assert.ok(b >= 2 * FIRST_PAUSE_MS, `failure ${PER_CLIENT + 2} paused ${b.toFixed(0)} ms`)
    assert.ok(c >= MAX_PAUSE_MS, `failure ${PER_CLIENT + 3} paused ${c.toFixed(0)} ms`)
    // The owner on a new device waits (capped), then signs in: slowed, never locked, below the ceiling.
    const owners = await signin(t, owner.email, STRONG_PASSWORD)
    assert.equal(owners.res.status, 200, await owners.res.clone().text())
    assert.ok(owners.ms >= MAX_PAUSE_MS, `the owner on a new device waited ${owners.ms.toFixed(0)} ms`)
    assert.ok(owners.ms < MAX_PAUSE_MS + 2_000, `the pause is capped: ${owners.ms.toFixed(0)} ms`)
  })

  it(`one client is refused on the account after ${PER_CLIENT} failures; the owner elsewhere is not`, async () => {
    const owner = await ownerWithBrowser(t)
    const attacker = freshClient()
    for (let i = 1; i <= PER_CLIENT; i++) {
      assert.equal((await signin(t, owner.email, WRONG_PASSWORD, { client: attacker })).res.status, 401)
    }
    await expectLimited((await signin(t, owner.email, STRONG_PASSWORD, { client: attacker })).res, 900, 'the attacker')
    const elsewhere = await signin(t, owner.email, STRONG_PASSWORD)
    assert.equal(elsewhere.res.status, 200, 'the owner from another client, without a device cookie')
  })

  it("account A's device cookie does nothing for account B", async () => {
    const ann = await ownerWithBrowser(t)
    const bob = await ownerWithBrowser(t)
    await strangersFail(t, bob.email, CEILING)
    const withAnns = await signin(t, bob.email, STRONG_PASSWORD, { deviceCookie: ann.deviceCookie })
    await expectLimited(withAnns.res, DAY, "Bob's right password with Ann's device cookie")
    const both = `${ann.deviceCookie}; ${bob.deviceCookie}`
    assert.equal((await signin(t, bob.email, STRONG_PASSWORD, { deviceCookie: both })).res.status, 200, "Bob's own")
  })

  it(`a stolen device cookie is worth ${PER_CLIENT} wrong passwords in a row, then counts for nothing`, async () => {
    const owner = await ownerWithBrowser(t)
    await strangersFail(t, owner.email, CEILING)
    for (let i = 1; i <= PER_CLIENT; i++) {
      // A new address each time: the device is what is counted.
      // A 401, not the ceiling's 429: the device's own count is what holds it.
      const { res } = await signin(t, owner.email, WRONG_PASSWORD, { deviceCookie: owner.deviceCookie })
      assert.equal(res.status, 401, `guess ${i} with the device cookie`)
    }
    const spent = await signin(t, owner.email, STRONG_PASSWORD, { deviceCookie: owner.deviceCookie })
    await expectLimited(spent.res, DAY, 'even the right password, with the spent device cookie')
  })

  it('a device cookie from before a password change counts for nothing, so old ones cannot be hoarded for guesses', async () => {
    const email = uniqueEmail('changer')
    const up = await call(t, 'POST', '/api/auth/signup', {
      body: { email, password: STRONG_PASSWORD },
      client: freshClient(),
    })
    assert.equal(up.status, 201, await up.clone().text())
    const oldCookie = deviceCookieOf(up) as string
    const { token } = (await up.json()) as { token: string }
    const changed = await call(t, 'PUT', '/api/me/password', {
      credential: { bearer: token },
      body: { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD },
    })
    assert.equal(changed.status, 204, await changed.clone().text())
    await strangersFail(t, email, CEILING)
    const guess = await signin(t, email, WRONG_PASSWORD, { deviceCookie: oldCookie })
    await expectLimited(guess.res, DAY, 'a guess with a device cookie issued before the change')
  })

  it('a device cookie that was altered counts for nothing', async () => {
    const owner = await ownerWithBrowser(t)
    await strangersFail(t, owner.email, CEILING)
    const [name, value] = owner.deviceCookie.split('=') as [string, string]
    const altered = `${name}=${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`
    await expectLimited((await signin(t, owner.email, STRONG_PASSWORD, { deviceCookie: altered })).res, DAY)
  })

  it('a failed sign-in sets no device cookie', async () => {
    const owner = await ownerWithBrowser(t)
    const { res } = await signin(t, owner.email, WRONG_PASSWORD)
    assert.equal(res.status, 401)
    assert.equal(deviceCookieOf(res), undefined)
    const unknown = await signin(t, uniqueEmail('ghost'), WRONG_PASSWORD)
    assert.equal(deviceCookieOf(unknown.res), undefined)
  })
})

describeWithApp(
  'the lock-out model with its defaults',
  {
    TRUSTED_PROXIES: '127.0.0.1,::1',
    RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '',
    SIGNIN_ACCOUNT_DELAY_MS: '',
    RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT_PER_DAY: '',
  },
  (t) => {
    it('ten failures from ten clients leave the right password working from an eleventh, and from the owner', async () => {
      const s = await signUpAs(t, freshClient())
      await strangersFail(t, s.user.email, 10)
      const { res } = await signin(t, s.user.email, s.password)
      assert.equal(res.status, 200, 'was 429 for 15 minutes: anyone could lock the owner out')
    })
  },
)

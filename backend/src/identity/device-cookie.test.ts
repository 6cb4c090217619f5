import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createDeviceCookies, DEVICE_COOKIE_MAX_AGE_SECONDS, deviceCookiesOnly } from './device-cookie.js'

const SECRET = 'a test secret that is at least 32 characters long'
const devices = createDeviceCookies({ secret: SECRET, secure: false })
const header = (c: { name: string; value: string }) => `other=1; ${c.name}=${c.value}`

describe('device cookies', () => {
  it('name a device of the account they were issued for, and of no other', () => {
    const cookie = devices.issue('ann@example.com')
    const device = devices.deviceFor(header(cookie), 'ann@example.com')
    assert.match(device ?? '', /^[\w-]{22}$/)
    assert.equal(devices.deviceFor(header(cookie), ' ANN@example.com '), device, 'the email as sign-in normalises it')
    assert.equal(devices.deviceFor(header(cookie), 'bob@example.com'), undefined)
    // Renamed to the other account's cookie name, the value still names Ann's account.
    const bobName = devices.issue('bob@example.com').name
    assert.equal(devices.deviceFor(`${bobName}=${cookie.value}`, 'bob@example.com'), undefined)
  })

  it('are a new device each time, and long-lived, HttpOnly, SameSite=Lax, for the whole site', () => {
    const [a, b] = [devices.issue('ann@example.com'), devices.issue('ann@example.com')]
    assert.equal(a.name, b.name)
    assert.notEqual(devices.deviceFor(header(a), 'ann@example.com'), devices.deviceFor(header(b), 'ann@example.com'))
    assert.deepEqual(a.attributes, {
      httpOnly: true,
      sameSite: 'lax',
      secure: false,
      path: '/',
      maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
    })
    assert.ok(!a.name.includes('ann'), 'the name does not carry the email')
  })

  it('count for nothing once the password changed after they were issued', () => {
    const cookie = devices.issue('ann@example.com')
    const device = devices.deviceFor(header(cookie), 'ann@example.com')
    assert.ok(device)
    assert.equal(devices.deviceFor(header(cookie), 'ann@example.com', new Date(Date.now() - 60_000)), device)
    assert.equal(devices.deviceFor(header(cookie), 'ann@example.com', new Date(Date.now() + 1)), undefined)
    assert.equal(devices.hasCookieFor(header(cookie), 'ann@example.com'), true)
    assert.equal(devices.hasCookieFor(header(cookie), 'bob@example.com'), false)
  })

  it('are __Host- and Secure over https', () => {
    const cookie = createDeviceCookies({ secret: SECRET, secure: true }).issue('ann@example.com')
    assert.match(cookie.name, /^__Host-taskwell-device-/)
    assert.equal(cookie.attributes.secure, true)
  })

  it('are ignored when altered, signed with another secret, or expired', () => {
    const cookie = devices.issue('ann@example.com')
    const [device, issuedAt, mac] = cookie.value.split('.') as [string, string, string]
    const flip = (s: string) => (s[0] === 'A' ? `B${s.slice(1)}` : `A${s.slice(1)}`)
    for (const value of [
      `${flip(device)}.${issuedAt}.${mac}`,
      `${device}.${Number(issuedAt) + 1}.${mac}`,
      `${device}.${issuedAt}.${flip(mac)}`,
      `${device}.${issuedAt}`,
      '',
    ]) {
      assert.equal(devices.deviceFor(`${cookie.name}=${value}`, 'ann@example.com'), undefined, value)
    }
    const other = createDeviceCookies({ secret: `${SECRET}!`, secure: false })
    assert.equal(other.deviceFor(header(cookie), 'ann@example.com'), undefined, 'another secret')

    const realNow = Date.now
    try {
      Date.now = () => realNow() + (DEVICE_COOKIE_MAX_AGE_SECONDS + 60) * 1000
      assert.equal(devices.deviceFor(header(cookie), 'ann@example.com'), undefined, 'expired')
    } finally {
      Date.now = realNow
    }
  })

  it('are the only cookies handed on to Better Auth from a Cookie header', () => {
    const cookie = devices.issue('ann@example.com')
    assert.equal(
      deviceCookiesOnly(`better-auth.session_token=abc; ${cookie.name}=${cookie.value}; x=1`),
      `${cookie.name}=${cookie.value}`,
    )
    assert.equal(deviceCookiesOnly('better-auth.session_token=abc'), undefined)
    assert.equal(deviceCookiesOnly(undefined), undefined)
  })
})

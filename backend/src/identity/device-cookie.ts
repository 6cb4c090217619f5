/**
 * Device cookies: a browser that has signed in to an account keeps a cookie saying so, and its
 * sign-ins to that account are then held to the device's own failure count instead of the
 * account's (rate-limits/policy.ts, decision 018). So strangers failing to sign in as someone
 * slow down new clients of that account, never the owner's own browsers.
 *
 * Not a credential: it signs nobody in, and it is worth a bounded number of wrong passwords
 * (the device's count), after which it counts for nothing. One cookie per account, so a browser
 * shared by two people keeps both; the name carries a keyed tag of the email (never the email),
 * the value a random device id and its issue time (ms since the epoch), bound to that account by an HMAC under a key
 * derived from BETTER_AUTH_SECRET.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'

/** How long a device is remembered after its last successful sign-in. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 86_400

const NAME_PREFIX = 'taskwell-device-'
/** `__Host-`: only over https, for this host and path `/`, never set by a sibling domain. */
const HOST_PREFIX = '__Host-'
const VALUE = /^([A-Za-z0-9_-]{22})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/

export type DeviceCookie = {
  name: string
  value: string
  attributes: { httpOnly: true; sameSite: 'lax'; secure: boolean; path: '/'; maxAge: number }
}

export type DeviceCookies = {
  /**
   * The device id of a valid, unexpired device cookie for `email` in a Cookie header, if any and
   * if it was issued after `passwordChangedAt`: a cookie from before a password change or reset
   * counts for nothing, so whoever once knew the password cannot keep a stock of them for guesses.
   */
  deviceFor(cookieHeader: string | null | undefined, email: string, passwordChangedAt?: Date): string | undefined
  /** Whether a Cookie header has a device cookie for `email` at all (before anything is looked up). */
  hasCookieFor(cookieHeader: string | null | undefined, email: string): boolean
  /** A new device cookie for `email` (a new device id), to set on a successful sign-in. */
  issue(email: string): DeviceCookie
}

/** Only the device cookies of a Cookie header (what our routes hand on to Better Auth), or undefined. */
export function deviceCookiesOnly(cookieHeader: string | null | undefined): string | undefined {
  const kept = [...cookies(cookieHeader)].filter(([name]) => name.replace(HOST_PREFIX, '').startsWith(NAME_PREFIX))
  return kept.length > 0 ? kept.map(([name, value]) => `${name}=${value}`).join('; ') : undefined
}

export function createDeviceCookies({ secret, secure }: { secret: string; secure: boolean }): DeviceCookies {
  const key = Buffer.from(hkdfSync('sha256', secret, '', 'taskwell device cookie v1', 32))
  const mac = (text: string) => createHmac('sha256', key).update(text).digest('base64url')
  const prefix = secure ? HOST_PREFIX + NAME_PREFIX : NAME_PREFIX
  const accountTag = (email: string) => mac(`account\u0000${email.trim().toLowerCase()}`).slice(0, 16)
  const signed = (tag: string, device: string, issuedAt: string) => mac(`${tag}.${device}.${issuedAt}`)

  return {
    hasCookieFor(cookieHeader, email) {
      return cookies(cookieHeader).has(prefix + accountTag(email))
    },

    deviceFor(cookieHeader, email, passwordChangedAt) {
      const tag = accountTag(email)
      const value = cookies(cookieHeader).get(prefix + tag)
      const match = value ? VALUE.exec(value) : null
      if (!match) return undefined
      const [, device = '', issuedAt = '', sent = ''] = match
      const expected = Buffer.from(signed(tag, device, issuedAt))
      if (!timingSafeEqual(expected, Buffer.from(sent))) return undefined
      // In milliseconds, so a cookie set by a sign-in a moment after a change is told from one before it.
      const issuedMs = Number(issuedAt)
      const age = Date.now() - issuedMs
      if (passwordChangedAt && issuedMs < passwordChangedAt.getTime()) return undefined
      return age >= 0 && age < DEVICE_COOKIE_MAX_AGE_SECONDS * 1000 ? device : undefined
    },

    issue(email) {
      const tag = accountTag(email)
      const device = randomBytes(16).toString('base64url')
      const issuedAt = String(Date.now())
      return {
        name: prefix + tag,
        value: `${device}.${issuedAt}.${signed(tag, device, issuedAt)}`,
        attributes: { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS },
      }
    },
  }
}

function cookies(header: string | null | undefined): Map<string, string> {
  const found = new Map<string, string>()
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0) found.set(part.slice(0, at).trim(), part.slice(at + 1).trim())
  }
  return found
}

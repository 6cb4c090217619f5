/**
 * TOTP (RFC 6238) as API.md fixes it: HMAC-SHA-1, 6 digits, 30-second steps from the Unix
 * epoch, a 20-byte secret shown in base32. `otpauth` computes the codes; this module only says
 * which time step a code belongs to, so the caller can refuse a step it accepted before.
 */
import { Secret, TOTP } from 'otpauth'

export const TOTP_ISSUER = 'Taskwell'
const PERIOD_SECONDS = 30
const DIGITS = 6
const SECRET_BYTES = 20
/** Steps either side of now a code may come from (clock drift), never more. */
const DRIFT_STEPS = 1

/** A new secret, base32 (RFC 4648, upper case, no padding). */
export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32
}

/** The Key URI Format link an authenticator app reads from the QR code. */
export function otpauthUri(email: string, secret: string): string {
  const label = `${encodeURIComponent(TOTP_ISSUER)}:${encodeURIComponent(email)}`
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(TOTP_ISSUER)}&algorithm=SHA1&digits=${DIGITS}&period=${PERIOD_SECONDS}`
}

/** The time step of `now` (ms since the epoch). */
export const timeStep = (now: number) => Math.floor(now / 1000 / PERIOD_SECONDS)

/** The time step whose code `code` is, within the drift window around `now`; null when none. */
export function stepOfCode(secret: string, code: string, now = Date.now()): number | null {
  const totp = new TOTP({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_SECONDS,
  })
  const delta = totp.validate({ token: code, timestamp: now, window: DRIFT_STEPS })
  return delta === null ? null : timeStep(now) + delta
}

/** The code of `step` (for tests and tools that play the authenticator). */
export function codeAtStep(secret: string, step: number): string {
  const totp = new TOTP({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_SECONDS,
  })
  return totp.generate({ timestamp: step * PERIOD_SECONDS * 1000 })
}

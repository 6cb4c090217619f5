/**
 * Recovery codes: 10 per set, 10 characters of [a-z0-9] (about 52 bits each), shown as
 * `xxxxx-xxxxx`. Stored as HMAC-SHA-256 under a key derived from BETTER_AUTH_SECRET
 * (decision 015): a stolen table alone cannot be searched offline, and checking one code is
 * one HMAC, not ten slow hashes.
 */
import { createHmac, hkdfSync, randomInt } from 'node:crypto'

export const RECOVERY_CODES_PER_SET = 10
const CODE_LENGTH = 10
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** A fresh set, formatted as the user sees them. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES_PER_SET }, () => {
    const chars = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')
    return `${chars.slice(0, 5)}-${chars.slice(5)}`
  })
}

/** What a typed code means: case, hyphens and spaces ignored; null when it cannot be a code. */
export function normaliseRecoveryCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '').toLowerCase()
  return /^[a-z0-9]{10}$/.test(code) ? code : null
}

export type RecoveryCodeHasher = (normalisedCode: string) => string

export function recoveryCodeHasher(secret: string): RecoveryCodeHasher {
  const key = Buffer.from(hkdfSync('sha256', secret, '', 'taskwell recovery codes', 32))
  return (code) => createHmac('sha256', key).update(code).digest('base64url')
}

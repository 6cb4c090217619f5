/**
 * Password policy and hashing (NIST SP 800-63B, OWASP ASVS 2.1):
 * lengths count Unicode code points after NFKC, nothing is truncated, no composition
 * rules, and the most common passwords are refused. Hashing is argon2id with OWASP's
 * parameters, run on the libuv thread pool so sign-in floods do not block the event loop.
 */
import { readFileSync } from 'node:fs'
import { hash, verify } from '@node-rs/argon2'

export const PASSWORD_MAX_LENGTH = 128

const ARGON2_OPTIONS = {
  algorithm: 2 /* Algorithm.Argon2id (a const enum) */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const

let commonPasswords: Set<string> | undefined

/** The 30,000 most common passwords (zxcvbn's list, from leaked-password corpora). */
function commonPasswordSet(): Set<string> {
  commonPasswords ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean),
  )
  return commonPasswords
}

export function normalizePassword(password: string): string {
  return password.normalize('NFKC')
}

/** Why a password is unacceptable, or undefined when it is fine. */
export function passwordProblem(password: string, minLength: number): string | undefined {
  const normalized = normalizePassword(password)
  const length = [...normalized].length
  if (length < minLength) return `Password must be at least ${minLength} characters`
  if (length > PASSWORD_MAX_LENGTH) return `Password must be at most ${PASSWORD_MAX_LENGTH} characters`
  if (commonPasswordSet().has(normalized.toLowerCase())) return 'This password is too common; choose another'
  return undefined
}

export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), ARGON2_OPTIONS)
}

export async function verifyPassword({ hash: stored, password }: { hash: string; password: string }): Promise<boolean> {
  try {
    return await verify(stored, normalizePassword(password))
  } catch {
    return false // a malformed stored hash is a failed sign-in, not a 500
  }
}

/** Loads the block list now, so the first sign-up does not pay for it. */
export function preloadPasswordPolicy(): void {
  commonPasswordSet()
}

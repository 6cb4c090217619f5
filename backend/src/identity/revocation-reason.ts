/**
 * Why a session ended, for the `session.revoked` event of its live-sync streams (API.md "Live
 * sync"). Better Auth ends sessions through one delete hook (better-auth.ts) that cannot be told
 * why, so the route that ends them says it around the call (`endingSessionsBecause`), and the hook
 * reads it back (`revocationReason`); Better Auth's own routes are known by their path.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

export const REVOCATION_REASONS = [
  'signed_out',
  'revoked',
  'password_changed',
  'password_reset',
  // Not a `session.revoked` reason: a stream of a deleted account ends with `account.deleted`.
  'account_deleted',
] as const
export type RevocationReason = (typeof REVOCATION_REASONS)[number]

export const isRevocationReason = (value: string): value is RevocationReason =>
  (REVOCATION_REASONS as readonly string[]).includes(value)

const scope = new AsyncLocalStorage<RevocationReason>()

/** Runs `work`; every session it ends is revoked for `reason`. */
export function endingSessionsBecause<T>(reason: RevocationReason, work: () => Promise<T>): Promise<T> {
  return scope.run(reason, work)
}

/** Better Auth's routes that end sessions, by the path its hooks see. */
const REASON_BY_PATH: Record<string, RevocationReason> = {
  '/sign-out': 'signed_out',
  '/reset-password': 'password_reset',
  '/change-password': 'password_changed',
  '/delete-user': 'account_deleted',
}

/**
 * Why the session being deleted now ends: what the route said, else what Better Auth's route
 * means, else `revoked` (ended by something other than its own holder: the session cap, an
 * absolute end, revoke-others).
 */
export function revocationReason(path: string | undefined): RevocationReason {
  return scope.getStore() ?? (path === undefined ? undefined : REASON_BY_PATH[path]) ?? 'revoked'
}

/**
 * `amr` (RFC 8176): how a session was signed in. Stored on the session as space-separated
 * values and copied into each of its access tokens. A session stored without one began before
 * second factors existed, when a password was the only way in.
 */

export type Amr = readonly string[]

export const PASSWORD_AMR: Amr = ['pwd']
export const PASSWORD_AND_CODE_AMR: Amr = ['pwd', 'otp', 'mfa']

/** A passkey with user verification is two factors; a synced one (backup eligible) is software-held. */
export function passkeyAmr(backupEligible: boolean): Amr {
  return [backupEligible ? 'swk' : 'hwk', 'user', 'mfa']
}

export function storedAmr(amr: Amr): string {
  return amr.join(' ')
}

export function amrOfSession(stored: string | null | undefined): Amr {
  return stored ? stored.split(' ') : PASSWORD_AMR
}

/** The claim of a token; a token issued before the claim existed came from a password sign-in. */
export function amrOfClaim(claim: unknown): Amr | null {
  if (claim === undefined) return PASSWORD_AMR
  if (!Array.isArray(claim) || !claim.every((v) => typeof v === 'string')) return null
  return claim
}

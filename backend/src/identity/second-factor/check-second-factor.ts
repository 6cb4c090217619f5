/**
 * One second-factor check, wherever a code is asked for (sign-in, regenerating codes, turning
 * TOTP off), as API.md's limits count it: a failure counted up front per account (15 minutes
 * and a day) and per client, 429 before any code is looked at when over a limit; a wrong code
 * is recorded as `second_factor_failed`; only a right one clears the account's counts.
 */
import type { AuditLog } from '../../audit/audit-log.js'
import type { AuthLimits } from '../../rate-limits/policy.js'
import type { ProofKind, SecondFactorProof, SecondFactors } from './second-factors.js'

export type SecondFactorCheckDeps = { limits: AuthLimits; secondFactors: SecondFactors; audit: AuditLog }

/** What was used when the proof was right (and is now used up); null when it was wrong. */
export async function checkSecondFactor(
  { limits, secondFactors, audit }: SecondFactorCheckDeps,
  ip: string,
  userId: string,
  proof: SecondFactorProof,
): Promise<ProofKind | null> {
  const attempt = await limits.secondFactor(ip, userId)
  const used = await secondFactors.check(userId, proof)
  if (used) await attempt.succeeded()
  else await audit.record(userId, 'second_factor_failed')
  return used
}

/** The field a wrong proof is reported on. */
export const proofField = (proof: SecondFactorProof) => (proof.code !== undefined ? 'code' : 'recovery_code')

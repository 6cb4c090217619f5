/**
 * An account's TOTP authenticator and recovery codes (API.md "TOTP (RFC 6238) and recovery
 * codes"). Every check that uses something up does so in one conditional write, so two
 * requests racing with one code cannot both succeed: a TOTP step is accepted only if it is
 * later than the last one accepted, a recovery code only if it is unused.
 */
import { randomUUID } from 'node:crypto'
import { symmetricDecrypt, symmetricEncrypt } from 'better-auth/crypto'
import { and, count, eq, gt, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { passkey, recoveryCode, totpFactor, user } from '../../db/schema.js'
import { acceptedSecrets, type SecretSettings, secretConfig } from '../secrets.js'
import { endChallenges } from './mfa-challenges.js'
import { newRecoveryCodes, normaliseRecoveryCode, recoveryCodeHasher } from './recovery-codes.js'
import { newTotpSecret, otpauthUri, stepOfCode } from './totp.js'

/** How long an enrolment waits for its first code (API.md: 10 minutes). */
export const ENROLMENT_TTL_SECONDS = 600
/**
 * Wrong codes that end a pending enrolment. Not counted against the account's second-factor
 * limits (its caller holds the secret), but a session alone must not guess its way to turning
 * TOTP on and holding the recovery codes: 5 guesses of a million.
 */
export const ENROLMENT_MAX_WRONG_CODES = 5

/** What proves the second factor: exactly one of the two (the route's schema makes sure). */
export type SecondFactorProof = { code?: string; recovery_code?: string }
export type ProofKind = 'totp' | 'recovery_code'

export type TwoFactorStatus = {
  totpEnabledAt: Date | null
  recoveryCodesRemaining: number
  passkeyCount: number
}

export type Enrolment = { secret: string; otpauthUri: string; expiresAt: Date }

export type ConfirmResult =
  | { outcome: 'confirmed'; recoveryCodes: string[] }
  /** `ended`: that was the last wrong code the enrolment takes. */
  | { outcome: 'wrong-code'; ended: boolean }
  | { outcome: 'no-enrolment' }

export type SecondFactors = {
  status(userId: string): Promise<TwoFactorStatus>
  /** Whether the account `email` names has TOTP on (one indexed lookup). */
  isEnabledForEmail(email: string): Promise<boolean>
  isEnabled(userId: string): Promise<boolean>
  /** A new pending enrolment, replacing any earlier one; null when TOTP is on already. */
  beginEnrolment(userId: string, email: string): Promise<Enrolment | null>
  /** Turns TOTP on with the first code of the pending enrolment, and makes the first recovery codes. */
  confirmEnrolment(userId: string, code: string): Promise<ConfirmResult>
  /** Checks, and uses up, a TOTP code or a recovery code of an account with TOTP on. */
  check(userId: string, proof: SecondFactorProof): Promise<ProofKind | null>
  /** A new set of recovery codes; every older one stops working. */
  regenerateRecoveryCodes(userId: string): Promise<string[]>
  /** Deletes the secret and the codes and ends pending sign-in challenges; false when TOTP was off. */
  disable(userId: string): Promise<boolean>
}

export function createSecondFactors({ db, secrets }: { db: Db; secrets: SecretSettings }): SecondFactors {
  const hashCode = recoveryCodeHasher(secrets.secret)
  // During a rotation a code stored under the previous secret's key still counts (decision 028).
  const acceptedHashers = acceptedSecrets(secrets).map(recoveryCodeHasher)
  // TOTP secrets: encrypted under the current secret, decrypted under either (secrets.ts).
  const key = secretConfig(secrets)
  const encrypt = (data: string) => symmetricEncrypt({ key, data })
  const decrypt = (data: string) => symmetricDecrypt({ key, data })
  const enabled = (userId: string) => and(eq(totpFactor.userId, userId), isNotNull(totpFactor.enabledAt))
  const laterThanLastStep = (step: number) => or(isNull(totpFactor.lastStep), sql`${totpFactor.lastStep} < ${step}`)

  async function storeRecoveryCodes(tx: Db, userId: string): Promise<string[]> {
    const codes = newRecoveryCodes()
    await tx.delete(recoveryCode).where(eq(recoveryCode.userId, userId))
    await tx.insert(recoveryCode).values(
      codes.map((code) => ({
        id: randomUUID(),
        userId,
        codeHash: hashCode(normaliseRecoveryCode(code) as string),
      })),
    )
    return codes
  }

  async function checkTotp(userId: string, code: string): Promise<boolean> {
    const [row] = await db.select({ secret: totpFactor.secret }).from(totpFactor).where(enabled(userId))
    if (!row) return false
    const step = stepOfCode(await decrypt(row.secret), code)
    if (step === null) return false
    const accepted = await db
      .update(totpFactor)
      .set({ lastStep: step })
      .where(and(enabled(userId), laterThanLastStep(step)))
      .returning({ userId: totpFactor.userId })
    return accepted.length === 1
  }

  async function useRecoveryCode(userId: string, input: string): Promise<boolean> {
    const code = normaliseRecoveryCode(input)
    if (!code) return false
    const used = await db
      .update(recoveryCode)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(recoveryCode.userId, userId),
          inArray(
            recoveryCode.codeHash,
            acceptedHashers.map((hash) => hash(code)),
          ),
          isNull(recoveryCode.usedAt),
        ),
      )
      .returning({ id: recoveryCode.id })
    return used.length === 1
  }

  return {
    async status(userId) {
      const [factor] = await db.select({ enabledAt: totpFactor.enabledAt }).from(totpFactor).where(enabled(userId))
      const [codes] = await db
        .select({ n: count() })
        .from(recoveryCode)
        .where(and(eq(recoveryCode.userId, userId), isNull(recoveryCode.usedAt)))
      const [keys] = await db.select({ n: count() }).from(passkey).where(eq(passkey.userId, userId))
      return {
        totpEnabledAt: factor?.enabledAt ?? null,
        recoveryCodesRemaining: factor ? (codes?.n ?? 0) : 0,
        passkeyCount: keys?.n ?? 0,
      }
    },

    async isEnabledForEmail(email) {
      const [row] = await db
        .select({ id: user.id })
        .from(user)
        .innerJoin(totpFactor, eq(totpFactor.userId, user.id))
        .where(and(eq(user.email, email), isNotNull(totpFactor.enabledAt)))
      return row !== undefined
    },

    async isEnabled(userId) {
      const [row] = await db.select({ userId: totpFactor.userId }).from(totpFactor).where(enabled(userId))
      return row !== undefined
    },

    async beginEnrolment(userId, email) {
      const secret = newTotpSecret()
      const expiresAt = new Date(Date.now() + ENROLMENT_TTL_SECONDS * 1000)
      const stored = await encrypt(secret)
      const begun = await db
        .insert(totpFactor)
        .values({ userId, secret: stored, pendingExpiresAt: expiresAt })
        .onConflictDoUpdate({
          target: totpFactor.userId,
          set: {
            secret: stored,
            pendingExpiresAt: expiresAt,
            pendingFailures: 0,
            lastStep: null,
            createdAt: sql`now()`,
          },
          setWhere: isNull(totpFactor.enabledAt), // never replaces an authenticator in use
        })
        .returning({ userId: totpFactor.userId })
      return begun.length === 1 ? { secret, otpauthUri: otpauthUri(email, secret), expiresAt } : null
    },

    async confirmEnrolment(userId, code) {
      const pending = and(
        eq(totpFactor.userId, userId),
        isNull(totpFactor.enabledAt),
        gt(totpFactor.pendingExpiresAt, sql`now()`),
      )
      const [row] = await db.select({ secret: totpFactor.secret }).from(totpFactor).where(pending)
      if (!row) return { outcome: 'no-enrolment' }
      const step = stepOfCode(await decrypt(row.secret), code)
      if (step === null) {
        const [counted] = await db
          .update(totpFactor)
          .set({
            pendingFailures: sql`${totpFactor.pendingFailures} + 1`,
            pendingExpiresAt: sql`case when ${totpFactor.pendingFailures} + 1 >= ${ENROLMENT_MAX_WRONG_CODES} then now() else ${totpFactor.pendingExpiresAt} end`,
          })
          .where(and(pending, eq(totpFactor.secret, row.secret)))
          .returning({ failures: totpFactor.pendingFailures })
        return {
          outcome: 'wrong-code',
          ended: (counted?.failures ?? ENROLMENT_MAX_WRONG_CODES) >= ENROLMENT_MAX_WRONG_CODES,
        }
      }
      return db.transaction(async (tx) => {
        const confirmed = await tx
          .update(totpFactor)
          .set({ enabledAt: sql`now()`, pendingExpiresAt: null, lastStep: step })
          // The same secret: an enrolment begun again meanwhile is not confirmed by the old one's code.
          .where(and(pending, eq(totpFactor.secret, row.secret)))
          .returning({ userId: totpFactor.userId })
        if (confirmed.length !== 1) return { outcome: 'no-enrolment' } as const
        return { outcome: 'confirmed', recoveryCodes: await storeRecoveryCodes(tx, userId) } as const
      })
    },

    async check(userId, proof) {
      if (proof.code !== undefined) return (await checkTotp(userId, proof.code)) ? 'totp' : null
      if (proof.recovery_code !== undefined) {
        return (await useRecoveryCode(userId, proof.recovery_code)) ? 'recovery_code' : null
      }
      return null
    },

    regenerateRecoveryCodes: (userId) => db.transaction((tx) => storeRecoveryCodes(tx, userId)),

    async disable(userId) {
      const removed = await db.transaction(async (tx) => {
        const gone = await tx.delete(totpFactor).where(enabled(userId)).returning({ userId: totpFactor.userId })
        await tx.delete(recoveryCode).where(eq(recoveryCode.userId, userId))
        return gone.length === 1
      })
      if (removed) await endChallenges(db, userId)
      return removed
    },
  }
}

/**
 * The second step of a password sign-in (API.md "Password sign-in with TOTP on"): an
 * `mfa_token` issued after the right password and redeemed with a code. Only its SHA-256 is
 * stored. It works while it is live (not expired, not ended) and while the account's password
 * hash is still the one the sign-in checked: a reset or change, even one racing the sign-in,
 * ends it without anyone having to remember to.
 */
import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { account, mfaChallenge } from '../../db/schema.js'

/** Wrong codes that end a challenge (API.md: "at its 3rd wrong code"). */
export const MFA_CHALLENGE_MAX_FAILURES = 3

export type IssuedChallenge = { token: string; expiresAt: Date }
export type LiveChallenge = { tokenHash: string; userId: string }

const digest = (value: string) => createHash('sha256').update(value).digest('base64url')

/** Names the password hash a sign-in checked, without storing the hash a second time. */
export const passwordFingerprint = (passwordHash: string) => digest(passwordHash)

export async function issueChallenge(
  db: Db,
  { userId, fingerprint, ttlSeconds }: { userId: string; fingerprint: string; ttlSeconds: number },
): Promise<IssuedChallenge> {
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000)
  await db.insert(mfaChallenge).values({
    tokenHash: digest(token),
    userId,
    passwordFingerprint: fingerprint,
    expiresAt,
  })
  // Expired challenges serve nothing; sweeping now and then keeps the table small.
  if (Math.random() < 0.01) await db.delete(mfaChallenge).where(lt(mfaChallenge.expiresAt, sql`now()`))
  return { token, expiresAt }
}

/** The challenge `token` names, if it may still be redeemed. */
export async function findLiveChallenge(db: Db, token: string): Promise<LiveChallenge | null> {
  const tokenHash = digest(token)
  const [row] = await db
    .select({ userId: mfaChallenge.userId, fingerprint: mfaChallenge.passwordFingerprint, hash: account.password })
    .from(mfaChallenge)
    .innerJoin(account, and(eq(account.userId, mfaChallenge.userId), eq(account.providerId, 'credential')))
    .where(
      and(eq(mfaChallenge.tokenHash, tokenHash), isNull(mfaChallenge.endedAt), gt(mfaChallenge.expiresAt, sql`now()`)),
    )
  if (!row?.hash || passwordFingerprint(row.hash) !== row.fingerprint) return null
  return { tokenHash, userId: row.userId }
}

/** Counts a wrong code; the third ends the challenge. */
export async function recordWrongCode(db: Db, tokenHash: string): Promise<void> {
  await db
    .update(mfaChallenge)
    .set({
      failures: sql`${mfaChallenge.failures} + 1`,
      endedAt: sql`case when ${mfaChallenge.failures} + 1 >= ${MFA_CHALLENGE_MAX_FAILURES} then now() else ${mfaChallenge.endedAt} end`,
    })
    .where(eq(mfaChallenge.tokenHash, tokenHash))
}

/** Ends the challenge for good; false when another request ended it first. */
export async function completeChallenge(db: Db, tokenHash: string): Promise<boolean> {
  const ended = await db
    .update(mfaChallenge)
    .set({ endedAt: sql`now()` })
    .where(and(eq(mfaChallenge.tokenHash, tokenHash), isNull(mfaChallenge.endedAt)))
    .returning({ userId: mfaChallenge.userId })
  return ended.length === 1
}

/** Ends every open challenge of `userId` (TOTP was turned off: there is no second step any more). */
export async function endChallenges(db: Db, userId: string): Promise<void> {
  await db
    .update(mfaChallenge)
    .set({ endedAt: sql`now()` })
    .where(and(eq(mfaChallenge.userId, userId), isNull(mfaChallenge.endedAt)))
}

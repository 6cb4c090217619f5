/**
 * WebAuthn challenges waiting for their answer (API.md "Passkeys"): one for each options
 * request, for registration (bound to the user who asked) or for sign-in (bound to no one,
 * since nobody has said who they are yet). Single use: the first verification that names a
 * challenge deletes it, before anything else is checked, so a failed attempt cannot be retried
 * with the same one.
 */
import { and, desc, eq, lt, ne, notInArray, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { webauthnChallenge } from '../../db/schema.js'

export type ChallengePurpose = 'registration' | 'authentication'

/** API.md: at most 10 pending registrations per user; older ones are dropped. */
export const MAX_PENDING_CHALLENGES = 10

const MAX_CHALLENGE_LENGTH = 128

export type ConsumedChallenge = { purpose: ChallengePurpose; userId: string | null; live: boolean }

export async function storeChallenge(
  db: Db,
  {
    challenge,
    purpose,
    userId,
    ttlSeconds,
  }: { challenge: string; purpose: ChallengePurpose; userId: string | null; ttlSeconds: number },
): Promise<Date> {
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000)
  await db.insert(webauthnChallenge).values({ challenge, purpose, userId, expiresAt })
  if (userId !== null) await dropOlderChallenges(db, userId, challenge)
  // Expired challenges serve nothing; sweeping now and then keeps the table small.
  if (Math.random() < 0.01) await db.delete(webauthnChallenge).where(lt(webauthnChallenge.expiresAt, sql`now()`))
  return expiresAt
}

/**
 * Keeps the newest challenges of `userId`, `kept` (just issued) among them. Named apart because
 * two issued within the same millisecond would otherwise tie.
 */
async function dropOlderChallenges(db: Db, userId: string, kept: string): Promise<void> {
  const newest = db
    .select({ challenge: webauthnChallenge.challenge })
    .from(webauthnChallenge)
    .where(and(eq(webauthnChallenge.userId, userId), ne(webauthnChallenge.challenge, kept)))
    .orderBy(desc(webauthnChallenge.createdAt))
    .limit(MAX_PENDING_CHALLENGES - 1)
  await db
    .delete(webauthnChallenge)
    .where(
      and(
        eq(webauthnChallenge.userId, userId),
        ne(webauthnChallenge.challenge, kept),
        notInArray(webauthnChallenge.challenge, newest),
      ),
    )
}

/** Deletes the challenge and says what it was; null when there was none (unknown, used or dropped). */
export async function consumeChallenge(db: Db, challenge: string): Promise<ConsumedChallenge | null> {
  // Ours are 43 characters; a longer one was never issued and need not reach the index.
  if (challenge.length > MAX_CHALLENGE_LENGTH) return null
  const [row] = await db
    .delete(webauthnChallenge)
    .where(eq(webauthnChallenge.challenge, challenge))
    .returning({
      purpose: webauthnChallenge.purpose,
      userId: webauthnChallenge.userId,
      live: sql<boolean>`${webauthnChallenge.expiresAt} > now()`,
    })
  return row ?? null
}

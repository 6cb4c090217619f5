/**
 * Fixed-window counters in the database, so every instance on one database shares them
 * (API.md "Rate limits"). One atomic upsert per hit: no read-modify-write race.
 */
import { createHash } from 'node:crypto'
import { eq, lt, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { rateLimit } from '../db/schema.js'

export type Hit = { count: number; retryAfterSeconds: number }

export type RateLimiter = {
  /** Counts one event under `key` in a window of `windowSeconds`; returns the new count. */
  hit(key: string, windowSeconds: number): Promise<Hit>
  /** Takes one event back (e.g. a sign-in that turned out to succeed). */
  undo(key: string): Promise<void>
  /** Forgets `key` (e.g. consecutive failures after a success). */
  reset(key: string): Promise<void>
}

/** Keys may carry emails; store a digest so the table holds no personal data. */
export const limitKey = (kind: string, value: string) =>
  `${kind}:${createHash('sha256').update(value).digest('base64url')}`

export function createRateLimiter(db: Db): RateLimiter {
  return {
    async hit(key, windowSeconds) {
      const window = sql`now() + make_interval(secs => ${windowSeconds})`
      const [row] = await db
        .insert(rateLimit)
        .values({ key, count: 1, resetAt: window })
        .onConflictDoUpdate({
          target: rateLimit.key,
          set: {
            count: sql`case when ${rateLimit.resetAt} <= now() then 1 else ${rateLimit.count} + 1 end`,
            resetAt: sql`case when ${rateLimit.resetAt} <= now() then ${window} else ${rateLimit.resetAt} end`,
          },
        })
        .returning({
          count: rateLimit.count,
          retryAfterSeconds: sql<number>`ceil(extract(epoch from ${rateLimit.resetAt} - now()))::int`,
        })
      if (Math.random() < 0.01)
        void db
          .delete(rateLimit)
          .where(lt(rateLimit.resetAt, sql`now()`))
          .catch(() => {})
      return row as Hit
    },

    async undo(key) {
      await db
        .update(rateLimit)
        .set({ count: sql`greatest(${rateLimit.count} - 1, 0)` })
        .where(eq(rateLimit.key, key))
    },

    async reset(key) {
      await db.delete(rateLimit).where(eq(rateLimit.key, key))
    },
  }
}

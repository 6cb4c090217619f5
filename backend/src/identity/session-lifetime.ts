/**
 * How long a session lasts. Better Auth slides a used session's expiry forward
 * (SESSION_TTL_SECONDS, renewed every SESSION_UPDATE_AGE_SECONDS), so a session used once a week
 * would never end; SESSION_MAX_AGE_SECONDS bounds it from its sign-in, however it is used
 * (ASVS 5.0 7.3.2). Both ends are checked wherever a session is accepted or renewed, and no access
 * token outlives either.
 */
import { and, gt, type SQL, sql } from 'drizzle-orm'
import { session } from '../db/schema.js'

export type SessionTimes = { createdAt: Date; expiresAt: Date }

/** When a session made at `createdAt` ends, however often it is used. */
export const absoluteEnd = (createdAt: Date, maxAgeSeconds: number): Date =>
  new Date(createdAt.getTime() + maxAgeSeconds * 1000)

/** The session's end: the earlier of its sliding expiry and its absolute end. */
export function sessionEnd(times: SessionTimes, maxAgeSeconds: number): Date {
  return new Date(Math.min(times.expiresAt.getTime(), absoluteEnd(times.createdAt, maxAgeSeconds).getTime()))
}

/** Whether a session made at `createdAt` is past its absolute end at `now`. */
export const pastAbsoluteEnd = (createdAt: Date, maxAgeSeconds: number, now = Date.now()): boolean =>
  absoluteEnd(createdAt, maxAgeSeconds).getTime() <= now

/** SQL: the session row is live (neither end has passed). */
export function liveSession(maxAgeSeconds: number): SQL {
  return and(
    gt(session.expiresAt, sql`now()`),
    gt(session.createdAt, sql`now() - make_interval(secs => ${maxAgeSeconds})`),
  ) as SQL
}

/**
 * A user's sessions, always scoped by the user's id in SQL. Sessions end through Better
 * Auth's adapter, whose delete hook revokes their access tokens on every instance.
 */
import { and, desc, eq, ne, or, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { session } from '../db/schema.js'
import type { Auth } from './better-auth.js'
import { liveSession } from './session-lifetime.js'

export type SessionRow = typeof session.$inferSelect

/** Where a page of a user's sessions starts: after this (last used, id), most recently used first. */
export type SessionPagePosition = { lastUsedAt: string; id: string }

/** Last use at millisecond precision: what a cursor can carry exactly (JavaScript dates). */
const lastUsed = sql`date_trunc('milliseconds', ${session.updatedAt})`

/**
 * A page of `userId`'s live sessions, most recently used first (ties by id), after `after`;
 * `limit + 1` rows are read so the caller knows whether another page follows.
 */
export function activeSessions(
  db: Db,
  userId: string,
  { limit, after, maxAgeSeconds }: { limit: number; after?: SessionPagePosition; maxAgeSeconds: number },
): Promise<SessionRow[]> {
  const conditions: SQL[] = [eq(session.userId, userId), liveSession(maxAgeSeconds)]
  if (after) {
    const at = new Date(after.lastUsedAt)
    conditions.push(
      or(sql`${lastUsed} < ${at}`, and(sql`${lastUsed} = ${at}`, sql`${session.id} < ${after.id}`)) as SQL,
    )
  }
  return db
    .select()
    .from(session)
    .where(and(...conditions))
    .orderBy(desc(lastUsed), desc(session.id))
    .limit(limit + 1)
}

type SessionDeleter = { deleteSessions(tokens: string[]): Promise<unknown> }

/**
 * Keeps a user within `max` live sessions once `keepSessionId` has been made: the least recently
 * used beyond it end, through Better Auth's adapter (whose delete hook revokes their access
 * tokens on every instance). Two sign-ins racing may each end one, never a newer session.
 */
export async function endSessionsBeyondCap(
  db: Db,
  adapter: SessionDeleter,
  options: { userId: string; keepSessionId: string; max: number; maxAgeSeconds: number },
): Promise<number> {
  const beyond = await db
    .select({ token: session.token })
    .from(session)
    .where(
      and(
        eq(session.userId, options.userId),
        ne(session.id, options.keepSessionId),
        liveSession(options.maxAgeSeconds),
      ),
    )
    .orderBy(desc(session.updatedAt), desc(session.createdAt), desc(session.id))
    .offset(options.max - 1)
  if (beyond.length > 0) await adapter.deleteSessions(beyond.map((s) => s.token))
  return beyond.length
}

export async function findSession(db: Db, userId: string, sessionId: string): Promise<SessionRow | undefined> {
  // PostgreSQL text cannot hold NUL, so no session has such an id; asking would be an error.
  if (sessionId.includes('\u0000')) return undefined
  const [row] = await db
    .select()
    .from(session)
    .where(and(eq(session.userId, userId), eq(session.id, sessionId)))
  return row
}

/** Ends every session of `userId` except `keepSessionId`; returns how many ended. */
export async function endOtherSessions(db: Db, auth: Auth, userId: string, keepSessionId: string): Promise<number> {
  const others = await db
    .select({ token: session.token })
    .from(session)
    .where(and(eq(session.userId, userId), ne(session.id, keepSessionId)))
  if (others.length > 0) {
    await (await auth.$context).internalAdapter.deleteSessions(others.map((s) => s.token))
  }
  return others.length
}

export async function endSession(auth: Auth, token: string): Promise<void> {
  await (await auth.$context).internalAdapter.deleteSession(token)
}

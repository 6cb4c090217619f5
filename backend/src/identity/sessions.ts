/**
 * A user's sessions, always scoped by the user's id in SQL. Sessions end through Better
 * Auth's adapter, whose delete hook revokes their access tokens on every instance.
 */
import { and, desc, eq, gt, ne } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { session } from '../db/schema.js'
import type { Auth } from './better-auth.js'

export type SessionRow = typeof session.$inferSelect

export function activeSessions(db: Db, userId: string): Promise<SessionRow[]> {
  return db
    .select()
    .from(session)
    .where(and(eq(session.userId, userId), gt(session.expiresAt, new Date())))
    .orderBy(desc(session.updatedAt), desc(session.id))
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

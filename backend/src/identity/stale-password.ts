/**
 * No session from a password that was just replaced. A sign-in verifies the password (tens of
 * milliseconds of argon2) and then creates its session; a reset or change that lands in between
 * ends the sessions it can see and misses the one created after. So once a sign-in's session
 * exists, and only if the account's password changed lately, the sign-in's password is checked
 * again against the account's current hash: if it no longer matches, the session is ended and
 * the sign-in fails as a wrong password would. (A change updates the hash and then ends the
 * other sessions, so a session created after that sweep sees the new hash here.)
 */
import { APIError } from 'better-auth/api'
import { and, eq } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { account } from '../db/schema.js'
import { verifyPassword } from './password.js'

/** Far longer than a sign-in takes between verifying its password and making its session. */
const RECHECK_WITHIN_MS = 5 * 60_000

/** Throws 401 (after ending the session) when `password` is no longer the account's. */
export async function refuseSessionFromStalePassword(
  db: Db,
  session: { userId: string; token: string },
  password: string,
  endSession: (token: string) => Promise<void>,
): Promise<void> {
  const [row] = await db
    .select({ hash: account.password, changedAt: account.updatedAt })
    .from(account)
    .where(and(eq(account.userId, session.userId), eq(account.providerId, 'credential')))
  if (row && row.changedAt.getTime() < Date.now() - RECHECK_WITHIN_MS) return
  if (row?.hash && (await verifyPassword({ hash: row.hash, password }))) return
  await endSession(session.token)
  throw APIError.from('UNAUTHORIZED', { message: 'Invalid email or password', code: 'INVALID_EMAIL_OR_PASSWORD' })
}

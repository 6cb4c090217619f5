/**
 * No session from a password that was just replaced. A sign-in verifies the password (tens of
 * milliseconds of argon2) and then creates its session; a reset or change that lands in between
 * would revoke the sessions it can see and miss the one created after. So the sign-in remembers
 * the hash it verified against, and once its session exists, checks that hash is still the
 * account's: if not, the session is ended and the sign-in fails as a wrong password would.
 * (A change updates the hash and then ends the other sessions; a reset is followed by a second
 * sweep, so a session created before the check is always seen by one of them.)
 */
import { APIError } from 'better-auth/api'
import { and, eq } from 'drizzle-orm'
import { tryGetContext } from 'hono/context-storage'
import type { Db } from '../db/client.js'
import { account } from '../db/schema.js'
import type { AppEnv } from '../http/env.js'
import { verifyPassword } from './password.js'

/** Better Auth's `password.verify`, noting which hash the request's password matched. */
export async function verifyAndRemember(data: { hash: string; password: string }): Promise<boolean> {
  const ok = await verifyPassword(data)
  if (ok) tryGetContext<AppEnv>()?.set('verifiedPasswordHash', data.hash)
  return ok
}

/** Throws 401 (after ending the session) when the verified password is no longer the account's. */
export async function refuseSessionFromStalePassword(
  db: Db,
  session: { userId: string; token: string },
  endSession: (token: string) => Promise<void>,
): Promise<void> {
  const verified = tryGetContext<AppEnv>()?.get('verifiedPasswordHash')
  if (verified === undefined) return
  const [row] = await db
    .select({ password: account.password })
    .from(account)
    .where(and(eq(account.userId, session.userId), eq(account.providerId, 'credential')))
  if (row?.password === verified) return
  await endSession(session.token)
  throw APIError.from('UNAUTHORIZED', { message: 'Invalid email or password', code: 'INVALID_EMAIL_OR_PASSWORD' })
}

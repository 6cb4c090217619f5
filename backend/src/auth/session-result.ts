/** The answer of every sign-in: the session cookie, and an access token for the new session. */
import { eq } from 'drizzle-orm'
import type { Context } from 'hono'
import type { Db } from '../db/client.js'
import { session as sessionTable } from '../db/schema.js'
import type { AppEnv } from '../http/env.js'
import { HttpError } from '../http/problem.js'
import { invalidCredentials } from '../identity/policy.js'
import type { TokenService } from '../identity/tokens.js'
import { toUserJson, type UserJson } from './schemas.js'

export type SignedInUser = { id: string; email: string; name: string; emailVerified: boolean; createdAt: Date }

export type SessionResult = { user: UserJson; token: string; expires_at: string; session_token: string }

/** Passes Better Auth's cookies on and adds an access token for the session it made. */
export async function sessionResult(
  c: Context<AppEnv>,
  deps: { db: Db; tokens: TokenService },
  { headers, response }: { headers: Headers; response: { token: string | null; user: SignedInUser } },
): Promise<SessionResult> {
  for (const cookie of headers.getSetCookie()) c.header('Set-Cookie', cookie, { append: true })
  const sessionToken = response.token
  if (!sessionToken) throw new HttpError(500, 'Internal Server Error')
  const [row] = await deps.db
    .select({ id: sessionTable.id })
    .from(sessionTable)
    .where(eq(sessionTable.token, sessionToken))
  // Gone already: a password reset or change ended it a moment after it was made.
  if (!row) throw invalidCredentials()
  const access = await deps.tokens.issue({ userId: response.user.id, email: response.user.email, sessionId: row.id })
  return {
    user: toUserJson(response.user),
    token: access.token,
    expires_at: access.expiresAt.toISOString(),
    session_token: sessionToken,
  }
}

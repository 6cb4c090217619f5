/** The answer of every sign-in: the session cookie, and an access token for the new session. */
import { eq } from 'drizzle-orm'
import type { Context } from 'hono'
import type { Db } from '../db/client.js'
import { session as sessionTable } from '../db/schema.js'
import { isBrowserRequest } from '../http/browser-request.js'
import type { AppEnv } from '../http/env.js'
import { HttpError } from '../http/problem.js'
import { type Amr, amrOfSession } from '../identity/amr.js'
import type { Auth } from '../identity/better-auth.js'
import { invalidCredentials } from '../identity/policy.js'
import { forwarded } from '../identity/request-headers.js'
import type { TokenService } from '../identity/tokens.js'
import { toUserJson, type UserJson } from './schemas.js'

export type SignedInUser = { id: string; email: string; name: string; emailVerified: boolean; createdAt: Date }

/** `session_token` only for clients that are no browser: a browser holds its session as the HttpOnly cookie (decision 017). */
export type SessionResult = { user: UserJson; token: string; expires_at: string; session_token?: string }

/** Passes Better Auth's cookies on and adds an access token for the session it made. */
export async function sessionResult(
  c: Context<AppEnv>,
  deps: { db: Db; tokens: TokenService },
  { headers, response }: { headers: Headers; response: { token: string | null; user: SignedInUser } },
): Promise<SessionResult> {
  passCookies(c, headers)
  const sessionToken = response.token
  if (!sessionToken) throw new HttpError(500, 'Internal Server Error')
  const [row] = await deps.db
    .select({ id: sessionTable.id, amr: sessionTable.amr })
    .from(sessionTable)
    .where(eq(sessionTable.token, sessionToken))
  // Gone already: a password reset or change ended it a moment after it was made.
  if (!row) throw invalidCredentials()
  return answer(c, deps.tokens, response.user, { id: row.id, token: sessionToken, amr: amrOfSession(row.amr) })
}

/**
 * Starts a session for `userId` once a route has checked a second step (a TOTP or recovery
 * code, a passkey), through Better Auth's server-only session starter (identity/start-session.ts),
 * and answers as every sign-in does. Also returns the new session's id.
 */
export async function startedSessionResult(
  c: Context<AppEnv>,
  deps: { auth: Auth; tokens: TokenService },
  userId: string,
  amr: Amr,
): Promise<{ result: SessionResult; sessionId: string }> {
  const { headers, response } = await deps.auth.api.startSession({
    body: { userId, amr: [...amr] },
    headers: forwarded(c),
    returnHeaders: true,
  })
  passCookies(c, headers)
  const { token, user, sessionId } = response
  if (!token) throw new HttpError(500, 'Internal Server Error')
  return { result: await answer(c, deps.tokens, user, { id: sessionId, token, amr }), sessionId }
}

/** Better Auth's cookies on our answer, which, holding credentials, no cache may keep. */
function passCookies(c: Context<AppEnv>, headers: Headers) {
  for (const cookie of headers.getSetCookie()) c.header('Set-Cookie', cookie, { append: true })
  c.header('Cache-Control', 'no-store')
}

async function answer(
  c: Context<AppEnv>,
  tokens: TokenService,
  user: SignedInUser,
  session: { id: string; token: string; amr: Amr },
): Promise<SessionResult> {
  const access = await tokens.issue({ userId: user.id, email: user.email, sessionId: session.id, amr: session.amr })
  return {
    user: toUserJson(user),
    token: access.token,
    expires_at: access.expiresAt.toISOString(),
    ...(isBrowserRequest(c.req.raw.headers) ? {} : { session_token: session.token }),
  }
}

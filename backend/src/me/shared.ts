/** What the /api/me* route files share: their OpenAPI tag and security, and the password re-check. */
import { APIError } from 'better-auth/api'
import type { Context } from 'hono'
import type { Db } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { bearerSecurity } from '../http/openapi.js'
import { unauthorized, unprocessable } from '../http/problem.js'
import { forwarded } from '../identity/request-headers.js'
import { findSession, type SessionRow } from '../identity/sessions.js'
import type { AuthLimits } from '../rate-limits/policy.js'

/** Spread into every account route: one tag in the reference, credentials required. */
export const accountRoute = { tags: ['Account'], security: bearerSecurity }

export type PasswordConfirmationDeps = { db: Db; limits: AuthLimits }

export type WithPasswordConfirmed = (
  c: Context<AppEnv>,
  field: string,
  action: (headers: Headers) => Promise<unknown>,
) => Promise<SessionRow>

const wrongPassword = (field: string) => unprocessable([{ field, message: 'The password is not correct' }])
const isWrongPassword = (err: unknown) =>
  err instanceof APIError && (err.body as { code?: string } | undefined)?.code === 'INVALID_PASSWORD'

/**
 * Runs a Better Auth endpoint that checks the password sent in `field`, as the caller's
 * session, counted against the password-guessing limits; returns that session. A wrong
 * password is a 422 on `field`.
 */
export function passwordConfirmation({ db, limits }: PasswordConfirmationDeps): WithPasswordConfirmed {
  return async (c, field, action) => {
    const attempt = await limits.reauthenticate(c.var.clientIp, c.var.caller.userId)
    // Better Auth's own endpoints act as a session, not a JWT.
    const current = await findSession(db, c.var.caller.userId, c.var.caller.sessionId)
    if (!current) throw unauthorized()
    try {
      await action(forwarded(c, current.token))
    } catch (err) {
      if (isWrongPassword(err)) throw wrongPassword(field)
      throw err
    }
    await attempt.succeeded()
    return current
  }
}

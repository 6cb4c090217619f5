/** GET /api/auth/token: a fresh access token for a session, which is how clients refresh. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { eq } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { session as sessionTable } from '../db/schema.js'
import type { AppEnv } from '../http/env.js'
import { bearerSecurity, errors, jsonResponse } from '../http/openapi.js'
import { unauthorized } from '../http/problem.js'
import { rejectInvalid } from '../http/validation.js'
import type { CallerResolver } from '../identity/caller.js'
import type { TokenService } from '../identity/tokens.js'
import { AccessTokenSchema } from './schemas.js'

export type TokenDeps = { db: Db; tokens: TokenService; callers: CallerResolver }

export function tokenRouter({ db, tokens, callers }: TokenDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  const tokenRoute = createRoute({
    method: 'get',
    path: '/auth/token',
    operationId: 'getAccessToken',
    tags: ['Auth'],
    summary: 'Get a fresh access token for the current session',
    description: 'Needs a session (cookie or bearer session token); an access token cannot renew itself.',
    security: bearerSecurity,
    responses: { 200: jsonResponse(AccessTokenSchema, 'A new access token'), ...errors(401) },
  })

  router.openapi(tokenRoute, async (c) => {
    const caller = await callers.resolve(c.req.raw.headers, { jwt: false })
    if (!caller) throw unauthorized('A valid session is required')
    const access = await tokens.issue({
      userId: caller.userId,
      email: caller.email,
      sessionId: caller.sessionId,
      amr: caller.amr,
    })
    await markSessionUsed(db, caller.sessionId)
    c.header('Cache-Control', 'no-store')
    return c.json({ token: access.token, expires_at: access.expiresAt.toISOString() }, 200)
  })

  return router
}

/**
 * `last_used_at` of GET /api/me/sessions. Renewing an access token is the one place a session
 * is used without a sign-in (access tokens themselves never touch the database).
 */
async function markSessionUsed(db: Db, sessionId: string) {
  await db.update(sessionTable).set({ updatedAt: new Date() }).where(eq(sessionTable.id, sessionId))
}

/** POST /api/auth/signout: ends the session a credential names, whatever state it is in. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { eq } from 'drizzle-orm'
import type { AuditLog } from '../audit/audit-log.js'
import type { Db } from '../db/client.js'
import { session as sessionTable } from '../db/schema.js'
import type { AppEnv } from '../http/env.js'
import { bearerSecurity, errors } from '../http/openapi.js'
import { rejectInvalid } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'
import type { CallerResolver } from '../identity/caller.js'
import { clearAuthCookies } from '../identity/request-headers.js'
import { endingSessionsBecause } from '../identity/revocation-reason.js'

export type SignoutDeps = { db: Db; auth: Auth; callers: CallerResolver; audit: AuditLog }

export function signoutRouter({ db, auth, callers, audit }: SignoutDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  const signoutRoute = createRoute({
    method: 'post',
    path: '/auth/signout',
    operationId: 'signOut',
    tags: ['Auth'],
    summary: 'Sign out: revoke this session and its access tokens',
    description: 'Always 204, also when signed out already or the credential is invalid.',
    security: bearerSecurity,
    responses: { 204: { description: 'Signed out (or nothing to sign out)' }, ...errors(413) },
  })

  router.openapi(signoutRoute, async (c) => {
    const ending = await sessionToEnd(c.req.raw.headers)
    if (ending) {
      const { internalAdapter } = await auth.$context
      await endingSessionsBecause('signed_out', () => internalAdapter.deleteSession(ending.token))
      await audit.record(ending.userId, 'signed_out')
    }
    await clearAuthCookies(c, auth)
    return c.body(null, 204)
  })

  /** The session a sign-out should end, whichever credential names it (even a revoked JWT's). */
  async function sessionToEnd(headers: Headers): Promise<{ token: string; userId: string } | undefined> {
    const caller = await callers.resolve(headers, { allowRevoked: true })
    if (!caller) return undefined
    const [row] = await db
      .select({ token: sessionTable.token, userId: sessionTable.userId })
      .from(sessionTable)
      .where(eq(sessionTable.id, caller.sessionId))
    return row
  }

  return router
}

/** GET /api/me: who the credentials belong to. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { eq } from 'drizzle-orm'
import type { MiddlewareHandler } from 'hono'
import { MeSchema, toUserJson } from '../auth/schemas.js'
import type { Db } from '../db/client.js'
import { user as userTable } from '../db/schema.js'
import type { AppEnv } from '../http/env.js'
import { bearerSecurity, errors, jsonResponse } from '../http/openapi.js'
import { unauthorized } from '../http/problem.js'
import { rejectInvalid } from '../http/validation.js'

export type CurrentUserDeps = { db: Db; requireUser: MiddlewareHandler<AppEnv> }

export function currentUserRouter({ db, requireUser }: CurrentUserDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  const meRoute = createRoute({
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    tags: ['Auth'],
    summary: 'The signed-in user',
    security: bearerSecurity,
    middleware: [requireUser] as const,
    responses: { 200: jsonResponse(MeSchema, 'The caller'), ...errors(401) },
  })

  router.openapi(meRoute, async (c) => {
    const [row] = await db.select().from(userTable).where(eq(userTable.id, c.var.caller.userId))
    if (!row) throw unauthorized()
    return c.json({ user: toUserJson(row) }, 200)
  })

  return router
}

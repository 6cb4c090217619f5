/** GET /api/me/events: my recent security events, newest first. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AuditAction, AuditLog } from '../audit/audit-log.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonResponse } from '../http/openapi.js'
import { rejectInvalid } from '../http/validation.js'
import { AuditEventListSchema, EventsQuery } from './schemas.js'
import { accountRoute } from './shared.js'

export type EventsDeps = { audit: AuditLog }

export function eventsRouter({ audit }: EventsDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  const eventsRoute = createRoute({
    ...accountRoute,
    method: 'get',
    path: '/me/events',
    operationId: 'listMySecurityEvents',
    summary: 'My recent security events',
    request: { query: EventsQuery },
    responses: { 200: jsonResponse(AuditEventListSchema, 'Newest first'), ...errors(401, 422) },
  })
  router.openapi(eventsRoute, async (c) => {
    const { limit } = c.req.valid('query')
    const rows = await audit.recent(c.var.caller.userId, limit)
    const items = rows.map((e) => ({
      id: e.id,
      action: e.action as AuditAction,
      ip_address: e.ipAddress,
      user_agent: e.userAgent,
      created_at: e.createdAt.toISOString(),
    }))
    c.header('Cache-Control', 'no-store')
    return c.json({ items }, 200)
  })

  return router
}

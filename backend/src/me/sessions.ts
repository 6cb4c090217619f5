/**
 * GET /api/me/sessions, DELETE /api/me/sessions/{id} and POST /api/me/sessions/revoke-others:
 * my active sessions, and ending them from anywhere.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AuditLog } from '../audit/audit-log.js'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import { canonicalIp } from '../http/client-ip.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonResponse } from '../http/openapi.js'
import { notFound, unprocessable } from '../http/problem.js'
import { rejectInvalid } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'
import { clearAuthCookies } from '../identity/request-headers.js'
import { endingSessionsBecause } from '../identity/revocation-reason.js'
import { sessionEnd } from '../identity/session-lifetime.js'
import { activeSessions, endOtherSessions, endSession, findSession } from '../identity/sessions.js'
import { RevokedSchema, SessionIdParam, SessionListSchema, SessionsQuery } from './schemas.js'
import { decodeSessionCursor, encodeSessionCursor } from './session-cursor.js'
import { accountRoute } from './shared.js'

export type SessionsDeps = { config: Config; db: Db; auth: Auth; audit: AuditLog }

export function sessionsRouter({ config, db, auth, audit }: SessionsDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  const listRoute = createRoute({
    ...accountRoute,
    method: 'get',
    path: '/me/sessions',
    operationId: 'listMySessions',
    summary: 'List my active sessions',
    description:
      'Most recently used first, a page at a time (`limit` 1–100, default 50; pass `next_cursor` back as `cursor`); `current` marks the one this request was made with. A session used while you page moves to the top, so it may be missed or listed twice.',
    request: { query: SessionsQuery },
    responses: { 200: jsonResponse(SessionListSchema, 'My sessions'), ...errors(401, 422) },
  })
  router.openapi(listRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query')
    const after = cursor === undefined ? undefined : decodeSessionCursor(cursor)
    if (cursor !== undefined && !after) throw unprocessable([{ field: 'cursor', message: 'cursor is not valid' }])
    const rows = await activeSessions(db, c.var.caller.userId, {
      limit,
      after,
      maxAgeSeconds: config.sessionMaxAgeSeconds,
    })
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    const items = page.map((s) => ({
      id: s.id,
      current: s.id === c.var.caller.sessionId,
      user_agent: s.userAgent,
      ip_address: s.ipAddress === null ? null : canonicalIp(s.ipAddress),
      created_at: s.createdAt.toISOString(),
      last_used_at: s.updatedAt.toISOString(),
      expires_at: sessionEnd(s, config.sessionMaxAgeSeconds).toISOString(),
    }))
    const next_cursor =
      rows.length > limit && last
        ? encodeSessionCursor({ lastUsedAt: last.updatedAt.toISOString(), id: last.id })
        : null
    c.header('Cache-Control', 'no-store')
    return c.json({ items, next_cursor }, 200)
  })

  const revokeRoute = createRoute({
    ...accountRoute,
    method: 'delete',
    path: '/me/sessions/{id}',
    operationId: 'revokeMySession',
    summary: 'End one of my sessions',
    description: 'Its access tokens stop working within a second. Ending the current session signs out.',
    request: { params: SessionIdParam },
    responses: { 204: { description: 'Ended' }, ...errors(401, 404) },
  })
  router.openapi(revokeRoute, async (c) => {
    const { id } = c.req.valid('param')
    const { userId, sessionId } = c.var.caller
    const row = await findSession(db, userId, id)
    if (!row) throw notFound('session')
    const ownSession = row.id === sessionId
    await endingSessionsBecause(ownSession ? 'signed_out' : 'revoked', () => endSession(auth, row.token))
    if (ownSession) {
      await audit.record(userId, 'signed_out')
      await clearAuthCookies(c, auth)
    } else {
      await audit.record(userId, 'session_revoked')
    }
    return c.body(null, 204)
  })

  const revokeOthersRoute = createRoute({
    ...accountRoute,
    method: 'post',
    path: '/me/sessions/revoke-others',
    operationId: 'revokeMyOtherSessions',
    summary: 'End all my other sessions',
    description: 'Their access tokens stop working within a second; this session stays.',
    responses: { 200: jsonResponse(RevokedSchema, 'How many sessions ended'), ...errors(401) },
  })
  router.openapi(revokeOthersRoute, async (c) => {
    const { userId, sessionId } = c.var.caller
    const revoked = await endingSessionsBecause('revoked', () => endOtherSessions(db, auth, userId, sessionId))
    if (revoked > 0) await audit.record(userId, 'other_sessions_revoked')
    return c.json({ revoked }, 200)
  })

  return router
}

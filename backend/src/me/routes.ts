/**
 * The signed-in user's own account (decision 009): change name or password, delete the
 * account, list and end sessions, read the security log. Every route needs credentials and
 * acts only on the caller's own rows.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { APIError } from 'better-auth/api'
import type { Context, MiddlewareHandler } from 'hono'
import type { AuditAction, AuditLog } from '../audit/audit-log.js'
import { toUserJson } from '../auth/schemas.js'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import { canonicalIp } from '../http/client-ip.js'
import type { AppEnv } from '../http/env.js'
import { bearerSecurity, errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { notFound, unauthorized, unprocessable } from '../http/problem.js'
import { jsonBody, rejectInvalid } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'
import { clearAuthCookies, forwarded } from '../identity/request-headers.js'
import { forgetResetTokens } from '../identity/reset-tokens.js'
import { activeSessions, endOtherSessions, endSession, findSession, type SessionRow } from '../identity/sessions.js'
import type { AuthLimits } from '../rate-limits/policy.js'
import {
  AuditEventListSchema,
  changePasswordBody,
  DeleteMeBody,
  EventsQuery,
  RevokedSchema,
  SessionIdParam,
  SessionListSchema,
  UpdateMeBody,
  UserResultSchema,
} from './schemas.js'

export type MeRoutesDeps = {
  config: Config
  db: Db
  auth: Auth
  limits: AuthLimits
  audit: AuditLog
  requireUser: MiddlewareHandler<AppEnv>
}

const TAGS = ['Account']
const wrongPassword = (field: string) => unprocessable([{ field, message: 'The password is not correct' }])
const isWrongPassword = (err: unknown) =>
  err instanceof APIError && (err.body as { code?: string } | undefined)?.code === 'INVALID_PASSWORD'

export function meRouter({ config, db, auth, limits, audit, requireUser }: MeRoutesDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  router.use('/me', requireUser)
  router.use('/me/*', requireUser)
  const common = { tags: TAGS, security: bearerSecurity }
  const ChangePasswordBody = changePasswordBody(config.passwordMinLength)

  /** The caller's session row: Better Auth's own endpoints act as a session, not a JWT. */
  async function callerSession(c: Context<AppEnv>): Promise<SessionRow> {
    const row = await findSession(db, c.var.caller.userId, c.var.caller.sessionId)
    if (!row) throw unauthorized()
    return row
  }

  /**
   * Runs a Better Auth endpoint that checks the password sent in `field`, as the caller's
   * session, counted against the password-guessing limits; returns that session.
   */
  async function withPasswordConfirmed(
    c: Context<AppEnv>,
    field: string,
    action: (headers: Headers) => Promise<unknown>,
  ): Promise<SessionRow> {
    const attempt = await limits.reauthenticate(c.var.clientIp, c.var.caller.userId)
    const current = await callerSession(c)
    try {
      await action(forwarded(c, current.token))
    } catch (err) {
      if (isWrongPassword(err)) throw wrongPassword(field)
      throw err
    }
    await attempt.succeeded()
    return current
  }

  const updateRoute = createRoute({
    ...common,
    method: 'patch',
    path: '/me',
    summary: 'Change my name',
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(UpdateMeBody) },
    responses: { 200: jsonResponse(UserResultSchema, 'The updated user'), ...errors(400, 401, 413, 415, 422) },
  })
  router.openapi(updateRoute, async (c) => {
    const { name } = c.req.valid('json')
    const { internalAdapter } = await auth.$context
    const user = await internalAdapter.updateUser(c.var.caller.userId, { name })
    if (!user) throw unauthorized()
    await audit.record(user.id, 'name_changed')
    return c.json({ user: toUserJson(user) }, 200)
  })

  const passwordRoute = createRoute({
    ...common,
    method: 'put',
    path: '/me/password',
    summary: 'Change my password',
    description:
      'Ends every other session, with its access tokens; this one stays. A wrong `current_password` counts against password guessing: per account (apart from sign-in failures, so strangers cannot lock the owner out) and per client address.',
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(ChangePasswordBody) },
    responses: { 204: { description: 'Changed' }, ...errors(400, 401, 413, 415, 422, 429) },
  })
  router.openapi(passwordRoute, async (c) => {
    const { current_password, new_password } = c.req.valid('json')
    const { userId } = c.var.caller
    const current = await withPasswordConfirmed(c, 'current_password', (headers) =>
      auth.api.changePassword({
        body: { currentPassword: current_password, newPassword: new_password, revokeOtherSessions: false },
        headers,
      }),
    )
    await endOtherSessions(db, auth, userId, current.id)
    await forgetResetTokens(db, userId) // a link mailed before the change must not undo it
    await audit.record(userId, 'password_changed')
    return c.body(null, 204)
  })

  const deleteRoute = createRoute({
    ...common,
    method: 'delete',
    path: '/me',
    summary: 'Delete my account',
    description:
      'Deletes the user, their sessions and tasks; their access tokens stop working at once. A wrong `password` counts against password guessing as for a password change.',
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(DeleteMeBody) },
    responses: { 204: { description: 'Deleted; cookie cleared' }, ...errors(400, 401, 413, 415, 422, 429) },
  })
  router.openapi(deleteRoute, async (c) => {
    const { password } = c.req.valid('json')
    const { userId } = c.var.caller
    await withPasswordConfirmed(c, 'password', (headers) => auth.api.deleteUser({ body: { password }, headers }))
    await audit.recordDeletion(userId)
    await clearAuthCookies(c, auth)
    return c.body(null, 204)
  })

  const sessionsRoute = createRoute({
    ...common,
    method: 'get',
    path: '/me/sessions',
    summary: 'List my active sessions',
    description: 'Most recently used first; `current` marks the one this request was made with.',
    responses: { 200: jsonResponse(SessionListSchema, 'My sessions'), ...errors(401) },
  })
  router.openapi(sessionsRoute, async (c) => {
    const rows = await activeSessions(db, c.var.caller.userId)
    const items = rows.map((s) => ({
      id: s.id,
      current: s.id === c.var.caller.sessionId,
      user_agent: s.userAgent,
      ip_address: s.ipAddress === null ? null : canonicalIp(s.ipAddress),
      created_at: s.createdAt.toISOString(),
      last_used_at: s.updatedAt.toISOString(),
      expires_at: s.expiresAt.toISOString(),
    }))
    c.header('Cache-Control', 'no-store')
    return c.json({ items }, 200)
  })

  const revokeRoute = createRoute({
    ...common,
    method: 'delete',
    path: '/me/sessions/{id}',
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
    await endSession(auth, row.token)
    if (row.id === sessionId) {
      await audit.record(userId, 'signed_out')
      await clearAuthCookies(c, auth)
    } else {
      await audit.record(userId, 'session_revoked')
    }
    return c.body(null, 204)
  })

  const revokeOthersRoute = createRoute({
    ...common,
    method: 'post',
    path: '/me/sessions/revoke-others',
    summary: 'End all my other sessions',
    description: 'Their access tokens stop working within a second; this session stays.',
    responses: { 200: jsonResponse(RevokedSchema, 'How many sessions ended'), ...errors(401) },
  })
  router.openapi(revokeOthersRoute, async (c) => {
    const { userId, sessionId } = c.var.caller
    const revoked = await endOtherSessions(db, auth, userId, sessionId)
    if (revoked > 0) await audit.record(userId, 'other_sessions_revoked')
    return c.json({ revoked }, 200)
  })

  const eventsRoute = createRoute({
    ...common,
    method: 'get',
    path: '/me/events',
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

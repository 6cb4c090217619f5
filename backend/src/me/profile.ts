/** PATCH /api/me (change my name) and DELETE /api/me (delete my account). */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AuditLog } from '../audit/audit-log.js'
import { toUserJson, UserResultSchema } from '../auth/schemas.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { unauthorized } from '../http/problem.js'
import { jsonBody, rejectInvalid } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'
import { clearAuthCookies } from '../identity/request-headers.js'
import { endingSessionsBecause } from '../identity/revocation-reason.js'
import { DeleteMeBody, UpdateMeBody } from './schemas.js'
import { accountRoute, type PasswordConfirmationDeps, passwordConfirmation } from './shared.js'

export type ProfileDeps = PasswordConfirmationDeps & {
  auth: Auth
  audit: AuditLog
  /** The account's deletion committed: live sync sends its streams account.deleted (sync/announcer.ts). */
  announceWrite: (userId: string) => void
}

export function profileRouter(deps: ProfileDeps) {
  const { auth, audit, announceWrite } = deps
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  const withPasswordConfirmed = passwordConfirmation(deps)

  const updateRoute = createRoute({
    ...accountRoute,
    method: 'patch',
    path: '/me',
    operationId: 'updateMe',
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

  const deleteRoute = createRoute({
    ...accountRoute,
    method: 'delete',
    path: '/me',
    operationId: 'deleteMe',
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
    await endingSessionsBecause('account_deleted', () =>
      withPasswordConfirmed(c, 'password', (headers) => auth.api.deleteUser({ body: { password }, headers })),
    )
    announceWrite(userId)
    await audit.recordDeletion(userId)
    await clearAuthCookies(c, auth)
    return c.body(null, 204)
  })

  return router
}

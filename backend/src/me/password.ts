/** PUT /api/me/password: change my password, knowing the current one. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AuditLog } from '../audit/audit-log.js'
import type { Config } from '../config.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonRequest } from '../http/openapi.js'
import { jsonBody, rejectInvalid } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'
import { forgetResetTokens } from '../identity/reset-tokens.js'
import { endingSessionsBecause } from '../identity/revocation-reason.js'
import { endOtherSessions } from '../identity/sessions.js'
import { changePasswordBody } from './schemas.js'
import { accountRoute, type PasswordConfirmationDeps, passwordConfirmation } from './shared.js'

export type PasswordDeps = PasswordConfirmationDeps & { config: Config; auth: Auth; audit: AuditLog }

export function passwordRouter(deps: PasswordDeps) {
  const { config, db, auth, audit } = deps
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  const withPasswordConfirmed = passwordConfirmation(deps)
  const ChangePasswordBody = changePasswordBody(config.passwordMinLength)

  const passwordRoute = createRoute({
    ...accountRoute,
    method: 'put',
    path: '/me/password',
    operationId: 'changeMyPassword',
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
    await endingSessionsBecause('password_changed', () => endOtherSessions(db, auth, userId, current.id))
    await forgetResetTokens(db, userId) // a link mailed before the change must not undo it
    await audit.record(userId, 'password_changed')
    return c.body(null, 204)
  })

  return router
}

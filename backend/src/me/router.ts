/**
 * The signed-in user's own account (decision 009): change name or password, delete the
 * account, list and end sessions, read the security log; one file per URL. Every route needs
 * credentials and acts only on the caller's own rows. (GET /api/me is `current-user.ts`.)
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import type { AuditLog } from '../audit/audit-log.js'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { rejectInvalid } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'
import type { AuthLimits } from '../rate-limits/policy.js'
import { eventsRouter } from './events.js'
import { passwordRouter } from './password.js'
import { profileRouter } from './profile.js'
import { sessionsRouter } from './sessions.js'

export type MeRoutesDeps = {
  config: Config
  db: Db
  auth: Auth
  limits: AuthLimits
  audit: AuditLog
  requireUser: MiddlewareHandler<AppEnv>
}

export function meRouter(deps: MeRoutesDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  // Before the routes, so no handler below runs without a caller.
  router.use('/me', deps.requireUser)
  router.use('/me/*', deps.requireUser)
  router.route('/', profileRouter(deps))
  router.route('/', passwordRouter(deps))
  router.route('/', sessionsRouter(deps))
  router.route('/', eventsRouter(deps))
  return router
}

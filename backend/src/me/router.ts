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
import type { SecondFactors } from '../identity/second-factor/second-factors.js'
import type { SecurityNotices } from '../mail/security-notices.js'
import type { AuthLimits } from '../rate-limits/policy.js'
import { eventsRouter } from './events.js'
import { passkeyRegistrationRouter } from './passkey-registration.js'
import { passkeysRouter } from './passkeys.js'
import { passwordRouter } from './password.js'
import { profileRouter } from './profile.js'
import { recoveryCodesRouter } from './recovery-codes.js'
import { sessionsRouter } from './sessions.js'
import { totpRouter } from './totp.js'
import { twoFactorRouter } from './two-factor.js'

export type MeRoutesDeps = {
  config: Config
  db: Db
  auth: Auth
  limits: AuthLimits
  audit: AuditLog
  secondFactors: SecondFactors
  notices: SecurityNotices
  requireUser: MiddlewareHandler<AppEnv>
  /** The account's deletion committed: live sync tells its streams (sync/announcer.ts). */
  announceWrite: (userId: string) => void
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
  router.route('/', twoFactorRouter(deps))
  router.route('/', totpRouter(deps))
  router.route('/', recoveryCodesRouter(deps))
  router.route('/', passkeyRegistrationRouter(deps))
  router.route('/', passkeysRouter(deps))
  return router
}

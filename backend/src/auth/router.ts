/** Everything under /api/auth: our routes first, then the Better Auth endpoints we expose. */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { AuditLog } from '../audit/audit-log.js'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { HttpError } from '../http/problem.js'
import { rejectInvalid } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'
import type { CallerResolver } from '../identity/caller.js'
import type { SecondFactors } from '../identity/second-factor/second-factors.js'
import type { TokenService } from '../identity/tokens.js'
import type { Background } from '../jobs/background.js'
import type { SecurityNotices } from '../mail/security-notices.js'
import type { AuthLimits } from '../rate-limits/policy.js'
import { betterAuthHandler } from './better-auth-routes.js'
import { emailRouter } from './email-routes.js'
import { jwksRouter } from './jwks.js'
import { passkeySigninRouter } from './passkey-signin.js'
import { signinRouter } from './signin.js'
import { signinSecondFactorRouter } from './signin-second-factor.js'
import { signoutRouter } from './signout.js'
import { signupRouter } from './signup.js'
import { tokenRouter } from './token.js'

export type AuthRouterDeps = {
  config: Config
  db: Db
  auth: Auth
  tokens: TokenService
  callers: CallerResolver
  limits: AuthLimits
  audit: AuditLog
  background: Background
  secondFactors: SecondFactors
  notices: SecurityNotices
}

export function authRouter(deps: AuthRouterDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  // Ours first: they own /api/auth/signup|signin|signout|token over Better Auth's.
  router.route('/', signupRouter(deps))
  router.route('/', signinRouter(deps))
  router.route('/', signinSecondFactorRouter(deps))
  router.route('/', signoutRouter(deps))
  router.route('/', tokenRouter(deps))
  router.route('/', emailRouter(deps))
  router.route('/', jwksRouter(deps))
  router.route('/', passkeySigninRouter(deps))
  router.on(['GET', 'POST'], '/auth/*', betterAuthHandler(deps))
  router.all('/auth/*', () => {
    throw new HttpError(405, 'Method Not Allowed', { headers: { Allow: 'GET, POST' } })
  })
  return router
}

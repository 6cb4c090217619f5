/** GET /api/me/2fa: which second factors my account has. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../http/env.js'
import { errors, jsonResponse } from '../http/openapi.js'
import { rejectInvalid } from '../http/validation.js'
import type { SecondFactors } from '../identity/second-factor/second-factors.js'
import { accountRoute } from './shared.js'
import { TwoFactorStatusSchema } from './two-factor-schemas.js'

export type TwoFactorDeps = { secondFactors: SecondFactors }

export function twoFactorRouter({ secondFactors }: TwoFactorDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  const statusRoute = createRoute({
    ...accountRoute,
    method: 'get',
    path: '/me/2fa',
    operationId: 'getMyTwoFactorStatus',
    summary: 'My second factors',
    responses: { 200: jsonResponse(TwoFactorStatusSchema, 'TOTP, recovery codes left, passkeys'), ...errors(401) },
  })
  router.openapi(statusRoute, async (c) => {
    const status = await secondFactors.status(c.var.caller.userId)
    c.header('Cache-Control', 'no-store')
    return c.json(
      {
        totp_enabled: status.totpEnabledAt !== null,
        totp_enabled_at: status.totpEnabledAt?.toISOString() ?? null,
        recovery_codes_remaining: status.recoveryCodesRemaining,
        passkey_count: status.passkeyCount,
      },
      200,
    )
  })

  return router
}

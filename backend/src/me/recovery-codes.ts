/** POST /api/me/2fa/recovery-codes: a new set of recovery codes; every older one stops working. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../http/env.js'
import { errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { jsonBody, rejectInvalid } from '../http/validation.js'
import { type SecondFactorConfirmationDeps, secondFactorConfirmation } from './second-factor-confirmation.js'
import { accountRoute } from './shared.js'
import { ReauthenticatedSecondFactorBody, RecoveryCodesSchema } from './two-factor-schemas.js'

export type RecoveryCodesDeps = SecondFactorConfirmationDeps

export function recoveryCodesRouter(deps: RecoveryCodesDeps) {
  const { secondFactors, audit } = deps
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  const confirmSecondFactor = secondFactorConfirmation(deps)

  const regenerateRoute = createRoute({
    ...accountRoute,
    method: 'post',
    path: '/me/2fa/recovery-codes',
    operationId: 'regenerateRecoveryCodes',
    summary: 'Make a new set of recovery codes',
    description:
      'Needs the password and a TOTP or recovery code. Every older code stops working; no session is signed out.',
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(ReauthenticatedSecondFactorBody) },
    responses: {
      200: jsonResponse(RecoveryCodesSchema, 'The new codes, shown this once'),
      ...errors(400, 401, 409, 413, 415, 422, 429),
    },
  })
  router.openapi(regenerateRoute, async (c) => {
    const { password, ...proof } = c.req.valid('json')
    const { userId } = c.var.caller
    await confirmSecondFactor(c, password, proof)
    const codes = await secondFactors.regenerateRecoveryCodes(userId)
    await audit.record(userId, 'recovery_codes_regenerated')
    c.header('Cache-Control', 'no-store')
    return c.json({ recovery_codes: codes }, 200)
  })

  return router
}

/**
 * POST /api/me/2fa/totp (begin), POST /api/me/2fa/totp/confirm and DELETE /api/me/2fa/totp:
 * turning TOTP on and off (API.md "TOTP (RFC 6238) and recovery codes").
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AuditLog } from '../audit/audit-log.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { conflict, unprocessable } from '../http/problem.js'
import { jsonBody, rejectInvalid } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'
import type { SecondFactors } from '../identity/second-factor/second-factors.js'
import { endOtherSessions } from '../identity/sessions.js'
import type { SecurityNotices } from '../mail/security-notices.js'
import { secondFactorConfirmation, totpIsOff } from './second-factor-confirmation.js'
import { accountRoute, type PasswordConfirmationDeps, passwordConfirmation } from './shared.js'
import {
  PasswordBody,
  ReauthenticatedSecondFactorBody,
  RecoveryCodesSchema,
  TotpConfirmBody,
  TotpEnrolmentSchema,
} from './two-factor-schemas.js'

export type TotpDeps = PasswordConfirmationDeps & {
  auth: Auth
  secondFactors: SecondFactors
  audit: AuditLog
  notices: SecurityNotices
}

const totpIsOn = () => conflict('Two-factor authentication is on already')

export function totpRouter(deps: TotpDeps) {
  const { db, auth, secondFactors, audit, notices } = deps
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  const confirmPassword = passwordConfirmation(deps)
  const confirmSecondFactor = secondFactorConfirmation(deps)

  const beginRoute = createRoute({
    ...accountRoute,
    method: 'post',
    path: '/me/2fa/totp',
    operationId: 'beginTotpEnrolment',
    summary: 'Begin turning on TOTP',
    description:
      'A new secret, valid 10 minutes until confirmed with a code; beginning again replaces it. A wrong `password` counts against password guessing.',
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(PasswordBody) },
    responses: {
      200: jsonResponse(TotpEnrolmentSchema, 'The secret, shown this once'),
      ...errors(400, 401, 409, 413, 415, 422, 429),
    },
  })
  router.openapi(beginRoute, async (c) => {
    const { password } = c.req.valid('json')
    await confirmPassword(c, 'password', (headers) => auth.api.verifyPassword({ body: { password }, headers }))
    const enrolment = await secondFactors.beginEnrolment(c.var.caller.userId, c.var.caller.email)
    if (!enrolment) throw totpIsOn()
    c.header('Cache-Control', 'no-store')
    return c.json(
      { secret: enrolment.secret, otpauth_uri: enrolment.otpauthUri, expires_at: enrolment.expiresAt.toISOString() },
      200,
    )
  })

  const confirmRoute = createRoute({
    ...accountRoute,
    method: 'post',
    path: '/me/2fa/totp/confirm',
    operationId: 'confirmTotpEnrolment',
    summary: 'Turn TOTP on with a first code',
    description:
      'Turns TOTP on and signs out every other session (this one stays). The recovery codes are shown this once. A wrong code is 422 and is not counted against the account (the caller holds the secret), but the 5th ends the enrolment (409: begin again); no pending enrolment, or TOTP on already, is 409.',
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(TotpConfirmBody) },
    responses: {
      200: jsonResponse(RecoveryCodesSchema, 'TOTP is on'),
      ...errors(400, 401, 409, 413, 415, 422),
    },
  })
  router.openapi(confirmRoute, async (c) => {
    const { code } = c.req.valid('json')
    const { userId, sessionId } = c.var.caller
    const confirmed = await secondFactors.confirmEnrolment(userId, code)
    if (confirmed.outcome === 'wrong-code') {
      if (confirmed.ended) throw conflict('Too many wrong codes: begin again to get a new secret')
      throw unprocessable([{ field: 'code', message: 'That code is not right; check the time on your device' }])
    }
    if (confirmed.outcome !== 'confirmed') {
      throw (await secondFactors.isEnabled(userId))
        ? totpIsOn()
        : conflict('No enrolment is waiting: begin again to get a new secret')
    }
    // Every session of a TOTP account passed a second factor, or is the one that turned it on.
    await endOtherSessions(db, auth, userId, sessionId)
    await audit.record(userId, 'totp_enabled')
    c.header('Cache-Control', 'no-store')
    return c.json({ recovery_codes: confirmed.recoveryCodes }, 200)
  })

  const disableRoute = createRoute({
    ...accountRoute,
    method: 'delete',
    path: '/me/2fa/totp',
    operationId: 'disableTotp',
    summary: 'Turn TOTP off',
    description:
      'Needs the password and a TOTP or recovery code. Deletes the secret and the recovery codes; sign-in is one step again and a notice is mailed. No session is signed out.',
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(ReauthenticatedSecondFactorBody) },
    responses: { 204: { description: 'TOTP is off' }, ...errors(400, 401, 409, 413, 415, 422, 429) },
  })
  router.openapi(disableRoute, async (c) => {
    const { password, ...proof } = c.req.valid('json')
    const { userId, email } = c.var.caller
    await confirmSecondFactor(c, password, proof)
    if (!(await secondFactors.disable(userId))) throw totpIsOff()
    await audit.record(userId, 'totp_disabled')
    notices.send(email, 'totp_disabled')
    return c.body(null, 204)
  })

  return router
}

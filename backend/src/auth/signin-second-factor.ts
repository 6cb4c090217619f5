/**
 * POST /api/auth/signin/2fa: the second step of a password sign-in of an account with TOTP on,
 * with the `mfa_token` the first step gave and a TOTP or recovery code.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AuditLog } from '../audit/audit-log.js'
import type { Db } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { HttpError } from '../http/problem.js'
import { jsonBody, rejectInvalid } from '../http/validation.js'
import { PASSWORD_AND_CODE_AMR } from '../identity/amr.js'
import type { Auth } from '../identity/better-auth.js'
import { checkSecondFactor } from '../identity/second-factor/check-second-factor.js'
import { completeChallenge, findLiveChallenge, recordWrongCode } from '../identity/second-factor/mfa-challenges.js'
import type { SecondFactors } from '../identity/second-factor/second-factors.js'
import { endOtherSessions } from '../identity/sessions.js'
import type { TokenService } from '../identity/tokens.js'
import type { SecurityNotices } from '../mail/security-notices.js'
import type { AuthLimits } from '../rate-limits/policy.js'
import { AuthResultSchema, SigninSecondFactorBody } from './schemas.js'
import { startedSessionResult } from './session-result.js'

export type SigninSecondFactorDeps = {
  db: Db
  auth: Auth
  tokens: TokenService
  limits: AuthLimits
  secondFactors: SecondFactors
  audit: AuditLog
  notices: SecurityNotices
}

const refused = (code: 'INVALID_MFA_TOKEN' | 'INVALID_MFA_CODE', detail: string) =>
  new HttpError(401, 'Unauthorized', { detail, code, headers: { 'WWW-Authenticate': 'Bearer' } })
const invalidMfaToken = () => refused('INVALID_MFA_TOKEN', 'This sign-in has expired or ended; sign in again')
const invalidMfaCode = () => refused('INVALID_MFA_CODE', 'That code is not right, or was used already')

export function signinSecondFactorRouter(deps: SigninSecondFactorDeps) {
  const { db, audit, notices, limits } = deps
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  const route = createRoute({
    method: 'post',
    path: '/auth/signin/2fa',
    operationId: 'signInSecondFactor',
    tags: ['Auth'],
    summary: 'Finish a sign-in with a TOTP code or a recovery code',
    description:
      'Send the `mfa_token` of POST /api/auth/signin and exactly one of `code` and `recovery_code`. A wrong code is 401 `INVALID_MFA_CODE` (the third ends the sign-in); an unknown, expired or ended token is 401 `INVALID_MFA_TOKEN`. A recovery code is used up and signs out every other session.',
    security: [],
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(SigninSecondFactorBody) },
    responses: {
      200: jsonResponse(AuthResultSchema, 'Signed in; session cookie set'),
      ...errors(400, 401, 403, 413, 415, 422, 429),
    },
  })

  router.openapi(route, async (c) => {
    const { mfa_token, ...proof } = c.req.valid('json')
    const ip = c.var.clientIp
    // Until the token names an account, only the client can be counted.
    const tokenAttempt = await limits.clientSigninStep(ip)
    const challenge = await findLiveChallenge(db, mfa_token)
    if (!challenge) throw invalidMfaToken()
    await tokenAttempt.succeeded()

    const { userId } = challenge
    const used = await checkSecondFactor(deps, ip, userId, proof)
    if (!used) {
      await recordWrongCode(db, challenge.tokenHash)
      throw invalidMfaCode()
    }
    // One sign-in per challenge, even when two right codes race.
    if (!(await completeChallenge(db, challenge.tokenHash))) throw invalidMfaToken()

    const { result, sessionId } = await startedSessionResult(c, deps, userId, PASSWORD_AND_CODE_AMR)
    if (used === 'recovery_code') {
      // A recovery code means a lost authenticator, whose sessions may be in other hands.
      await endOtherSessions(db, deps.auth, userId, sessionId)
      await audit.record(userId, 'recovery_code_used')
      notices.send(result.user.email, 'recovery_code_used')
    }
    c.header('Cache-Control', 'no-store')
    return c.json(result, 200)
  })

  return router
}

/** POST /api/auth/signin: the seed's sign-in, a thin adapter over Better Auth's `signInEmail`. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { jsonBody, rejectInvalid } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'
import { forwarded } from '../identity/request-headers.js'
import { issueChallenge } from '../identity/second-factor/mfa-challenges.js'
import { SecondFactorRequired } from '../identity/second-factor/second-factor-required.js'
import type { TokenService } from '../identity/tokens.js'
import { AuthResultSchema, MfaRequiredSchema, SigninBody } from './schemas.js'
import { sessionResult } from './session-result.js'

export type SigninDeps = { config: Config; db: Db; auth: Auth; tokens: TokenService }

export function signinRouter({ config, db, auth, tokens }: SigninDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  const signinRoute = createRoute({
    method: 'post',
    path: '/auth/signin',
    operationId: 'signIn',
    tags: ['Auth'],
    summary: 'Sign in with email and password',
    description:
      'Unknown email and wrong password get the same 401, in about the same time. With REQUIRE_EMAIL_VERIFICATION, the right password for an unverified address gets 403 `EMAIL_NOT_VERIFIED`. The right password of an account with two-factor authentication gets 200 `mfa_required` with an `mfa_token` and no credentials: finish at POST /api/auth/signin/2fa.',
    security: [],
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(SigninBody) },
    responses: {
      200: jsonResponse(
        z.union([AuthResultSchema, MfaRequiredSchema]),
        'Signed in (session cookie set), or the password was right and a second factor is asked for',
      ),
      ...errors(400, 401, 403, 413, 415, 422, 429),
    },
  })

  router.openapi(signinRoute, async (c) => {
    const { email, password } = c.req.valid('json')
    // The identity policy counts the attempt and answers a wrong password or an unverified address.
    try {
      const result = await auth.api.signInEmail({
        body: { email, password },
        headers: forwarded(c),
        returnHeaders: true,
      })
      return c.json(await sessionResult(c, { db, tokens }, result), 200)
    } catch (err) {
      if (!(err instanceof SecondFactorRequired)) throw err
      // The password step succeeded; the body is the next step, not an error (API.md).
      const challenge = await issueChallenge(db, {
        userId: err.userId,
        fingerprint: err.passwordFingerprint,
        ttlSeconds: config.authChallengeTtlSeconds,
      })
      c.header('Cache-Control', 'no-store')
      return c.json(
        {
          mfa_required: true as const,
          mfa_token: challenge.token,
          methods: ['totp' as const, 'recovery_code' as const],
          expires_at: challenge.expiresAt.toISOString(),
        },
        200,
      )
    }
  })

  return router
}

/** POST /api/auth/signup: the seed's sign-up, a thin adapter over Better Auth's `signUpEmail`. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonRequest } from '../http/openapi.js'
import { jsonBody, rejectInvalid } from '../http/validation.js'
import { type Auth, VERIFICATION_TOKEN_TTL_SECONDS } from '../identity/better-auth.js'
import { forwarded } from '../identity/request-headers.js'
import { defaultName } from '../identity/rules.js'
import type { TokenService } from '../identity/tokens.js'
import { AuthResultSchema, signupBody, toUserJson, VerificationRequiredSchema } from './schemas.js'
import { sessionResult } from './session-result.js'

export type SignupDeps = { config: Config; db: Db; auth: Auth; tokens: TokenService }

export function signupRouter({ config, db, auth, tokens }: SignupDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  const signupRoute = createRoute({
    method: 'post',
    path: '/auth/signup',
    operationId: 'signUp',
    // How long the verification link mailed at sign-up works, for clients that say so.
    'x-link-lifetime-seconds': VERIFICATION_TOKEN_TTL_SECONDS,
    tags: ['Auth'],
    summary: 'Create an account and sign in',
    security: [],
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(signupBody(config.passwordMinLength)) },
    responses: {
      201: {
        description:
          'Account created and signed in (session cookie set); or, with REQUIRE_EMAIL_VERIFICATION, created and waiting for verification',
        content: { 'application/json': { schema: z.union([AuthResultSchema, VerificationRequiredSchema]) } },
      },
      ...errors(400, 409, 413, 415, 422, 429),
    },
  })

  router.openapi(signupRoute, async (c) => {
    const { email, password, name } = c.req.valid('json')
    // The identity policy counts the sign-up, applies the rules and answers a taken email.
    const result = await auth.api.signUpEmail({
      body: { email, password, name: name ?? defaultName(email) },
      headers: forwarded(c),
      returnHeaders: true,
    })
    if (!result.response.token) {
      // REQUIRE_EMAIL_VERIFICATION: no session until the mailed link is opened.
      return c.json({ user: toUserJson(result.response.user), verification_required: true as const }, 201, {
        Location: '/api/me',
      })
    }
    return c.json(await sessionResult(c, { db, tokens }, result), 201, { Location: '/api/me' })
  })

  return router
}

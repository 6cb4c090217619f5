/** POST /api/auth/signin: the seed's sign-in, a thin adapter over Better Auth's `signInEmail`. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { Db } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { jsonBody, rejectInvalid } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'
import { forwarded } from '../identity/request-headers.js'
import type { TokenService } from '../identity/tokens.js'
import { AuthResultSchema, SigninBody } from './schemas.js'
import { sessionResult } from './session-result.js'

export type SigninDeps = { db: Db; auth: Auth; tokens: TokenService }

export function signinRouter({ db, auth, tokens }: SigninDeps) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  const signinRoute = createRoute({
    method: 'post',
    path: '/auth/signin',
    operationId: 'signIn',
    tags: ['Auth'],
    summary: 'Sign in with email and password',
    description:
      'Unknown email and wrong password get the same 401, in about the same time. With REQUIRE_EMAIL_VERIFICATION, the right password for an unverified address gets 403 `EMAIL_NOT_VERIFIED`.',
    security: [],
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(SigninBody) },
    responses: {
      200: jsonResponse(AuthResultSchema, 'Signed in; session cookie set'),
      ...errors(400, 401, 403, 413, 415, 422, 429),
    },
  })

  router.openapi(signinRoute, async (c) => {
    const { email, password } = c.req.valid('json')
    // The identity policy counts the attempt and answers a wrong password or an unverified address.
    const result = await auth.api.signInEmail({ body: { email, password }, headers: forwarded(c), returnHeaders: true })
    return c.json(await sessionResult(c, { db, tokens }, result), 200)
  })

  return router
}

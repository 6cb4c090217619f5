/**
 * GET /api/auth/jwks: the public keys that verify access tokens (API.md "Credentials"), so any
 * service can check a token without a shared secret. Better Auth keeps the keys; this route
 * only gives them a place in the OpenAPI document.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../http/env.js'
import { errors, headersTooLarge, jsonResponse } from '../http/openapi.js'
import { rejectInvalid } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'

const JwkSchema = z
  .object({
    kty: z.string().openapi({ example: 'OKP' }),
    crv: z.string().optional().openapi({ example: 'Ed25519' }),
    x: z.string().optional().openapi({ description: 'The public key, base64url' }),
    kid: z.string().openapi({ description: 'Matches the `kid` in an access token header' }),
    alg: z.string().optional().openapi({ example: 'EdDSA' }),
  })
  .openapi('Jwk')

const JwksSchema = z.object({ keys: z.array(JwkSchema) }).openapi('Jwks')

export function jwksRouter({ auth }: { auth: Auth }) {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  const jwksRoute = createRoute({
    method: 'get',
    path: '/auth/jwks',
    operationId: 'getJwks',
    tags: ['Auth'],
    summary: 'Public keys that verify access tokens (JWKS, RFC 7517)',
    description: 'EdDSA (Ed25519) keys. Verify `iss`, `aud` and `exp` as well as the signature.',
    security: [],
    responses: { 200: jsonResponse(JwksSchema, 'The key set'), ...headersTooLarge, ...errors(503) },
  })

  router.openapi(jwksRoute, async (c) => {
    const { keys } = (await auth.api.getJwks()) as { keys: z.infer<typeof JwkSchema>[] }
    return c.json({ keys }, 200)
  })

  return router
}

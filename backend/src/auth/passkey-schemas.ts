/** Wire shapes of passkey sign-in under /api/auth/passkey (API.md "Passkeys"). */
import { z } from '@hono/zod-openapi'
import { AuthenticationResponseSchema, RequestOptionsSchema } from '../identity/passkeys/credential-json.js'

export const PasskeySigninOptionsBody = z.object({}).strict().openapi('PasskeySigninOptionsRequest')

export const PasskeySigninOptionsSchema = z
  .object({
    options: RequestOptionsSchema,
    expires_at: z
      .string()
      .openapi({ format: 'date-time', description: 'Answer with POST /api/auth/passkey/verify before this' }),
  })
  .openapi('PasskeySigninOptions')

export const PasskeySigninBody = z
  .object({ credential: AuthenticationResponseSchema })
  .strict()
  .openapi('PasskeySigninRequest')

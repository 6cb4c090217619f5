/** Wire shapes of the auth routes: validation, types and OpenAPI from one place. */
import { z } from '@hono/zod-openapi'
import { emailField, nameField, newPasswordField, signinFields, signupFields } from '../identity/rules.js'

// Until every route imports the rules from identity/rules.ts.
export { emailField, nameField, newPasswordField }

export const signupBody = (minPasswordLength: number) =>
  z.object(signupFields(minPasswordLength)).strict().openapi('SignupRequest')

export const SigninBody = z.object(signinFields).strict().openapi('SigninRequest')

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    email_verified: z.boolean(),
    created_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('User')

export const AccessTokenSchema = z
  .object({
    token: z.string().openapi({ description: 'EdDSA-signed JWT; send as `Authorization: Bearer <token>`' }),
    expires_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('AccessToken')

export const AuthResultSchema = z
  .object({
    user: UserSchema,
    token: z.string(),
    expires_at: z.string().openapi({ format: 'date-time' }),
    session_token: z.string().openapi({ description: 'Long-lived session; may be sent as a bearer token' }),
  })
  .openapi('AuthResult')

export const VerificationRequiredSchema = z
  .object({
    user: UserSchema,
    verification_required: z.literal(true).openapi({
      description: 'REQUIRE_EMAIL_VERIFICATION is on: no session until the mailed link is opened',
    }),
  })
  .openapi('VerificationRequired')

export const MeSchema = z.object({ user: UserSchema }).openapi('Me')

export type UserJson = z.infer<typeof UserSchema>

export function toUserJson(user: {
  id: string
  email: string
  name: string
  emailVerified: boolean
  createdAt: Date
}): UserJson {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    email_verified: user.emailVerified,
    created_at: user.createdAt.toISOString(),
  }
}

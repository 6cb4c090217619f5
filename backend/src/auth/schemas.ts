/** Wire shapes of the auth routes: validation, types and OpenAPI from one place. */
import { z } from '@hono/zod-openapi'
import { cleanString } from '../http/validation.js'
import { passwordProblem } from '../identity/password.js'

export const EMAIL_MAX_LENGTH = 254

export const emailField = cleanString()
  .trim()
  .max(EMAIL_MAX_LENGTH, `Email must be at most ${EMAIL_MAX_LENGTH} characters`)
  .pipe(z.email('Must be a valid email address'))
  .transform((email) => email.toLowerCase())
  .openapi({ example: 'ada@example.com', format: 'email' })

/** The sign-up password rules; built once per app because the minimum is configurable. */
export const newPasswordField = (minLength: number) =>
  z
    .string()
    .superRefine((password, ctx) => {
      const problem = passwordProblem(password, minLength)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })
    .openapi({
      description: `${minLength}–128 characters (Unicode code points, NFKC); common passwords are refused`,
      example: 'correct horse battery staple',
    })

export const nameField = cleanString()
  .trim()
  .min(1, 'Name must not be empty')
  .max(100, 'Name must be at most 100 characters')
  .openapi({ example: 'Ada Lovelace' })

export const signupBody = (minPasswordLength: number) =>
  z
    .object({ email: emailField, password: newPasswordField(minPasswordLength), name: nameField.optional() })
    .strict()
    .openapi('SignupRequest')

export const SigninBody = z
  .object({
    email: emailField,
    // Not the sign-up rules: accounts made under older rules must still sign in.
    password: z.string().min(1, 'Password is required').max(4096, 'Password is too long'),
  })
  .strict()
  .openapi('SigninRequest')

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

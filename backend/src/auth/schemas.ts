/** Wire shapes of the auth routes: validation, types and OpenAPI from one place. */
import { z } from '@hono/zod-openapi'
import { emailField, newPasswordField, secondFactorBody, signinFields, signupFields } from '../identity/rules.js'

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
    session_token: z.string().optional().openapi({
      description:
        'Long-lived session; may be sent as a bearer token. Only for clients that are no browser: a request with an `Origin` or `Sec-Fetch-Site` header gets the session as its HttpOnly cookie alone (decision 017)',
    }),
  })
  .openapi('AuthResult')

export const MfaRequiredSchema = z
  .object({
    mfa_required: z.literal(true),
    mfa_token: z.string().openapi({ description: 'Send to POST /api/auth/signin/2fa with a code; works once' }),
    methods: z.array(z.enum(['totp', 'recovery_code'])),
    expires_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('MfaRequired', { description: 'The password was right; the account asks for its second factor' })

/** Longest `mfa_token` considered (ours are 43 characters). */
const MFA_TOKEN_MAX_LENGTH = 512

export const SigninSecondFactorBody = secondFactorBody({
  mfa_token: z
    .string()
    .min(1, 'mfa_token is required')
    .max(MFA_TOKEN_MAX_LENGTH, `mfa_token must be at most ${MFA_TOKEN_MAX_LENGTH} characters`),
}).openapi('SigninSecondFactorRequest')

export const VerificationRequiredSchema = z
  .object({
    user: UserSchema,
    verification_required: z.literal(true).openapi({
      description: 'REQUIRE_EMAIL_VERIFICATION is on: no session until the mailed link is opened',
    }),
  })
  .openapi('VerificationRequired')

export const MeSchema = z.object({ user: UserSchema }).openapi('Me')

export const UserResultSchema = z.object({ user: UserSchema }).openapi('UserResult')

/** Mailed tokens are URL-safe (reset: an id; verification: a JWT); nothing else may reach a query. */
const token = z
  .string()
  .min(1, 'Token is required')
  .max(4096, 'Token is too long')
  .regex(/^[\w.~-]+$/, 'This link is invalid or has expired')
  .openapi({ description: 'From the `#token=` part of the mailed link' })

export const EmailBody = z.object({ email: emailField }).strict().openapi('EmailRequest')

export const VerifyEmailBody = z.object({ token }).strict().openapi('VerifyEmailRequest')

export const resetConfirmBody = (minPasswordLength: number) =>
  z
    .object({ token, new_password: newPasswordField(minPasswordLength) })
    .strict()
    .openapi('PasswordResetConfirmRequest')

export const AcceptedSchema = z
  .object({ detail: z.string().openapi({ example: 'If that account exists, we sent it a link.' }) })
  .openapi('Accepted')

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

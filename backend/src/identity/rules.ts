/**
 * The input rules of an account, in one place: what an email, a name and a new password must
 * be. Our routes validate their bodies with these fields, and the identity policy
 * (policy.ts) applies the same fields to every body Better Auth acts on, so no door can let
 * in what another refuses.
 */
import { z } from '@hono/zod-openapi'
import { cleanString } from '../http/validation.js'
import { PASSWORD_MAX_LENGTH, passwordProblem } from './password.js'
import { normaliseRecoveryCode } from './second-factor/recovery-codes.js'

export const EMAIL_MAX_LENGTH = 254
export const NAME_MAX_LENGTH = 100

export const emailField = cleanString()
  .trim()
  .max(EMAIL_MAX_LENGTH, `Email must be at most ${EMAIL_MAX_LENGTH} characters`)
  .pipe(z.email('Must be a valid email address'))
  .transform((email) => email.toLowerCase())
  .openapi({ example: 'ada@example.com', format: 'email', maxLength: EMAIL_MAX_LENGTH })

/** A new password: the rules of API.md, checked by `passwordProblem`. */
export const newPasswordField = (minLength: number) =>
  z
    .string()
    .superRefine((password, ctx) => {
      const problem = passwordProblem(password, minLength)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })
    .openapi({
      description: `${minLength}–${PASSWORD_MAX_LENGTH} characters (Unicode code points, NFKC); common passwords are refused`,
      minLength,
      maxLength: PASSWORD_MAX_LENGTH,
      example: 'correct horse battery staple',
    })

/** A password being confirmed, not chosen: accounts made under older rules still have theirs. */
export const currentPasswordField = z.string().min(1, 'Password is required').max(4096, 'Password is too long')

/**
 * A name of at most `maxLength` characters on one line: names go into lists, mail headers and
 * greetings, where a line break is an injection.
 */
export const oneLineName = (maxLength: number, example: string) =>
  cleanString()
    .trim()
    .refine((name) => !/[\t\r\n\u2028\u2029]/.test(name), 'Name must be one line')
    .min(1, 'Name must not be empty')
    .max(maxLength, `Name must be at most ${maxLength} characters`)
    .openapi({ example, maxLength })

/** A user's display name. */
export const nameField = oneLineName(NAME_MAX_LENGTH, 'Ada Lovelace')

/** API.md: the name defaults to the part of the email before `@`. */
export function defaultName(email: string): string {
  return email.slice(0, email.lastIndexOf('@')).slice(0, NAME_MAX_LENGTH) || email
}

/** What a sign-up may say, at every door. */
export const signupFields = (minPasswordLength: number) => ({
  email: emailField,
  password: newPasswordField(minPasswordLength),
  name: nameField.optional(),
})

/** What a sign-in may say, at every door. */
export const signinFields = { email: emailField, password: currentPasswordField }

/**
 * The members Better Auth's own client adds to sign-up and sign-in bodies. `callbackURL` is
 * checked by Better Auth against the trusted origins; there is no `image` (Taskwell shows no
 * pictures, and a URL chosen by the client would be one more thing to sanitise).
 */
export const betterAuthClientFields = {
  callbackURL: z.string().max(2048).optional(),
  rememberMe: z.boolean().optional(),
}

/** Longest second-factor input considered at all; a real one is far shorter. */
const CODE_INPUT_MAX_LENGTH = 64

/** A TOTP code: 6 digits; spaces (apps show them in groups) are ignored. */
export const totpCodeField = z
  .string()
  .max(CODE_INPUT_MAX_LENGTH, 'Enter the 6-digit code from your authenticator app')
  .transform((code) => code.replace(/\s/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app'))
  .openapi({ type: 'string', example: '123 456', description: '6 digits; spaces are ignored' })

/** A recovery code: 10 letters and digits; case, hyphens and spaces are ignored. */
export const recoveryCodeField = z
  .string()
  .max(CODE_INPUT_MAX_LENGTH, 'A recovery code is 10 letters and digits, like abcde-12345')
  .refine((code) => normaliseRecoveryCode(code) !== null, 'A recovery code is 10 letters and digits, like abcde-12345')
  .openapi({ example: 'abcde-12345', description: 'Case, hyphens and spaces are ignored' })

/**
 * A body that proves the second factor with exactly one of `code` and `recovery_code`, beside
 * the fields in `shape`.
 */
export const secondFactorBody = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z
    .object({ ...shape, code: totpCodeField.optional(), recovery_code: recoveryCodeField.optional() })
    .strict()
    .refine(
      (body: { code?: unknown; recovery_code?: unknown }) =>
        (body.code === undefined) !== (body.recovery_code === undefined),
      {
        path: ['code'],
        message: 'Send exactly one of code and recovery_code',
      },
    )

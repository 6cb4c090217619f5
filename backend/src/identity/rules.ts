/**
 * The input rules of an account, in one place: what an email, a name and a new password must
 * be. Our routes validate their bodies with these fields, and the identity policy
 * (policy.ts) applies the same fields to every body Better Auth acts on, so no door can let
 * in what another refuses.
 */
import { z } from '@hono/zod-openapi'
import { cleanString } from '../http/validation.js'
import { passwordProblem } from './password.js'

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
      description: `${minLength}–128 characters (Unicode code points, NFKC); common passwords are refused`,
      example: 'correct horse battery staple',
    })

/** A password being confirmed, not chosen: accounts made under older rules still have theirs. */
export const currentPasswordField = z.string().min(1, 'Password is required').max(4096, 'Password is too long')

/** One line of text: a name goes into mail headers and greetings, where a line break is an injection. */
export const nameField = cleanString()
  .trim()
  .refine((name) => !/[\t\r\n\u2028\u2029]/.test(name), 'Name must be one line')
  .min(1, 'Name must not be empty')
  .max(NAME_MAX_LENGTH, `Name must be at most ${NAME_MAX_LENGTH} characters`)
  .openapi({ example: 'Ada Lovelace', maxLength: NAME_MAX_LENGTH })

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

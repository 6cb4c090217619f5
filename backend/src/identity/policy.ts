/**
 * The one policy every way into an account passes: a Better Auth plugin, so it runs for
 * Better Auth's own routes and for our routes' `auth.api.*` calls alike (both go through
 * Better Auth's hook pipeline). Here, and nowhere else: the sign-up and sign-in limits, the
 * input rules of a sign-up, sign-in and new password, and one answer for each outcome
 * (a taken email is 409 at every door, a wrong password the same 401).
 *
 * Everything a hook needs it reads from the context Better Auth hands it (the body, the
 * client IP header our server sets, what the endpoint returned): nothing is carried from one
 * callback to another.
 */

import { z } from '@hono/zod-openapi'
import type { BetterAuthPlugin } from 'better-auth'
import { APIError, createAuthMiddleware } from 'better-auth/api'
import type { ZodType } from 'zod'
import { conflict, HttpError, unauthorized, unprocessable } from '../http/problem.js'
import { fieldErrors } from '../http/validation.js'
import type { AuthLimits } from '../rate-limits/policy.js'
import { passwordProblem } from './password.js'
import { CLIENT_IP_HEADER } from './request-headers.js'
import { betterAuthClientFields, defaultName, signinFields, signupFields } from './rules.js'

export type IdentityPolicyDeps = { limits: AuthLimits; passwordMinLength: number }

/** What our answers say, at every door. */
export const INVALID_CREDENTIALS = 'Invalid email or password'
export const emailTaken = () => conflict('An account with this email already exists')
/** The same for an unknown email, a wrong password and an address not verified yet. */
export const invalidCredentials = () => unauthorized(INVALID_CREDENTIALS)
export const emailNotVerified = () =>
  new HttpError(403, 'Forbidden', {
    detail: 'Verify your email address first: open the link we sent you, or ask for a new one',
    code: 'EMAIL_NOT_VERIFIED',
  })

/** Better Auth endpoints that set a new password, and the field our routes call it. */
const NEW_PASSWORD_PATHS = new Set(['/reset-password', '/change-password'])

type HookContext = { path?: string; body?: unknown; headers?: Headers; request?: Request }

export function identityPolicy({ limits, passwordMinLength }: IdentityPolicyDeps) {
  const SignupBody = z.object({ ...signupFields(passwordMinLength), ...betterAuthClientFields }).strict()
  const SigninBody = z.object({ ...signinFields, ...betterAuthClientFields }).strict()

  return {
    id: 'taskwell-identity-policy',
    hooks: {
      before: [
        {
          matcher: (ctx: HookContext) => ctx.path === '/sign-up/email',
          handler: createAuthMiddleware(async (ctx) => {
            const body = valid(SignupBody, ctx.body)
            await limits.signup(clientIp(ctx))
            return { context: { body: { ...body, name: body.name ?? defaultName(body.email) } } }
          }),
        },
        {
          matcher: (ctx: HookContext) => ctx.path === '/sign-in/email',
          handler: createAuthMiddleware(async (ctx) => {
            const ip = clientIp(ctx)
            // A flood from a client already over its limit is refused from memory.
            await limits.refuseBlockedSigninIp(ip)
            const body = valid(SigninBody, ctx.body)
            await limits.signin(ip, body.email)
            return { context: { body } }
          }),
        },
        {
          matcher: (ctx: HookContext) => NEW_PASSWORD_PATHS.has(ctx.path ?? ''),
          handler: createAuthMiddleware(async (ctx) => {
            const { newPassword } = (ctx.body ?? {}) as { newPassword?: unknown }
            const problem =
              typeof newPassword === 'string' ? passwordProblem(newPassword, passwordMinLength) : 'Password is required'
            if (problem) throw unprocessable([{ field: 'new_password', message: problem }])
          }),
        },
      ],
      after: [
        {
          matcher: (ctx: HookContext) => ctx.path === '/sign-up/email',
          handler: createAuthMiddleware(async (ctx) => {
            const returned = ctx.context.returned
            const { email } = ctx.body as { email: string }
            if (returned instanceof APIError) {
              const code = (returned.body as { code?: string } | undefined)?.code ?? ''
              // Two sign-ups racing for one address both pass Better Auth's check; the loser's
              // insert fails on the unique constraint (FAILED_TO_CREATE_USER).
              if (
                code.startsWith('USER_ALREADY_EXISTS') ||
                (code === 'FAILED_TO_CREATE_USER' && (await taken(email)))
              ) {
                throw emailTaken()
              }
              return
            }
            // With REQUIRE_EMAIL_VERIFICATION Better Auth answers a taken address with a made-up
            // user (to hide who has an account); API.md says 409 all the same.
            const made = returned as { token: string | null; user: { id: string } } | undefined
            if (made && !made.token && !(await ctx.context.internalAdapter.findUserById(made.user.id))) {
              throw emailTaken()
            }

            async function taken(address: string) {
              return (await ctx.context.internalAdapter.findUserByEmail(address)) !== null
            }
          }),
        },
        {
          matcher: (ctx: HookContext) => ctx.path === '/sign-in/email',
          handler: createAuthMiddleware(async (ctx) => {
            const returned = ctx.context.returned
            const { email } = ctx.body as { email: string }
            const status = returned instanceof APIError ? returned.statusCode : 200
            // 403: the password was right, but the account may not sign in yet.
            if (status < 400 || status === 403) await limits.signinSucceeded(clientIp(ctx), email)
            if (status === 401) throw invalidCredentials()
            const code = returned instanceof APIError ? (returned.body as { code?: string } | undefined)?.code : ''
            if (code === 'EMAIL_NOT_VERIFIED') throw emailNotVerified()
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin
}

/** Set by our server from the socket (and trusted proxies) on every request Better Auth sees. */
function clientIp(ctx: HookContext): string {
  const ip = (ctx.headers ?? ctx.request?.headers)?.get(CLIENT_IP_HEADER)
  if (!ip) throw new Error(`${CLIENT_IP_HEADER} is missing: every call into Better Auth must say who the client is`)
  return ip
}

function valid<T>(schema: ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {})
  if (!result.success) throw unprocessable(fieldErrors(result.error))
  return result.data
}

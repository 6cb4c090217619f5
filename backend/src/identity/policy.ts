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

import { setTimeout } from 'node:timers/promises'
import { z } from '@hono/zod-openapi'
import type { AuthContext, BetterAuthPlugin } from 'better-auth'
import { APIError, createAuthMiddleware } from 'better-auth/api'
import { deleteSessionCookie } from 'better-auth/cookies'
import type { ZodType } from 'zod'
import { conflict, HttpError, unauthorized, unprocessable } from '../http/problem.js'
import { fieldErrors } from '../http/validation.js'
import type { AuthLimits, SigninClient } from '../rate-limits/policy.js'
import type { DeviceCookies } from './device-cookie.js'
import { passwordProblem } from './password.js'
import { CLIENT_IP_HEADER } from './request-headers.js'
import { betterAuthClientFields, defaultName, signinFields, signupFields } from './rules.js'
import { passwordFingerprint } from './second-factor/mfa-challenges.js'
import { SecondFactorRequired } from './second-factor/second-factor-required.js'
import type { SecondFactors } from './second-factor/second-factors.js'
import { pastAbsoluteEnd } from './session-lifetime.js'
import { START_SESSION_PATH } from './start-session.js'

export type IdentityPolicyDeps = {
  limits: AuthLimits
  passwordMinLength: number
  requireEmailVerification: boolean
  secondFactors: Pick<SecondFactors, 'isEnabledForEmail'>
  devices: DeviceCookies
  /** SESSION_MAX_AGE_SECONDS: no session is accepted past its sign-in plus this (session-lifetime.ts). */
  sessionMaxAgeSeconds: number
  /** SIGNIN_FAILURE_MIN_MS: a wrong password is answered no sooner than this after its check began. */
  signinFailureMinMs: number
}

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

/**
 * When a sign-in's password check began (performance.now()), written by the sign-in hook into the
 * request Better Auth hands on, over anything a client sent, so a failure can be answered no
 * sooner than the floor after it.
 */
const CHECK_STARTED_HEADER = 'x-taskwell-password-check-started'

/** Successful ways in that start a session, and so leave a device cookie. */
const SESSION_PATHS = new Set(['/sign-in/email', '/sign-up/email', START_SESSION_PATH])

export function identityPolicy({
  limits,
  passwordMinLength,
  requireEmailVerification,
  secondFactors,
  devices,
  sessionMaxAgeSeconds,
  signinFailureMinMs,
}: IdentityPolicyDeps) {
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
            const client = await signinClient(ctx, ip, body.email)
            await limits.signin(client, body.email)
            const startedAt = performance.now()
            // No door makes a session from a password alone when the account has a second factor.
            if (await secondFactors.isEnabledForEmail(body.email)) {
              await demandSecondFactor(ctx, client, body, startedAt)
            }
            return { context: { body, headers: new Headers({ [CHECK_STARTED_HEADER]: String(startedAt) }) } }
          }),
        },
        {
          // Sessions begun after a second step (a code, a passkey) obey what a password sign-in obeys.
          matcher: (ctx: HookContext) => ctx.path === START_SESSION_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            // Not counted here: the routes count a sign-in before its factor is checked, so one
            // refused for the limit uses no code, challenge or sign count up (API.md).
            const { userId } = ctx.body as { userId: string }
            const user = await ctx.context.internalAdapter.findUserById(userId)
            if (user && requireEmailVerification && !user.emailVerified) throw emailNotVerified()
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
            if (status < 400 || status === 403)
              await limits.signinSucceeded(await signinClient(ctx, clientIp(ctx), email), email)
            if (status === 401) {
              await answerNoSoonerThanFloor(Number(requestHeaders(ctx)?.get(CHECK_STARTED_HEADER)))
              throw invalidCredentials()
            }
            const code = returned instanceof APIError ? (returned.body as { code?: string } | undefined)?.code : ''
            if (code === 'EMAIL_NOT_VERIFIED') throw emailNotVerified()
          }),
        },
        {
          // Every way in that made a session leaves this browser a device cookie for the account.
          matcher: (ctx: HookContext) => SESSION_PATHS.has(ctx.path ?? ''),
          handler: createAuthMiddleware(async (ctx) => {
            const made = ctx.context.returned as { token?: string | null; user?: { email?: string } } | undefined
            if (!made || made instanceof APIError || !made.token || !made.user?.email) return
            const cookie = devices.issue(made.user.email)
            ctx.setCookie(cookie.name, cookie.value, cookie.attributes)
          }),
        },
        {
          // A session past its absolute end is not accepted, however recently it was used
          // (session-lifetime.ts): it ends here, with its access tokens, and its cookie is cleared.
          matcher: (ctx: HookContext) => ctx.path === '/get-session',
          handler: createAuthMiddleware(async (ctx) => {
            const found = ctx.context.returned as { session?: { token: string; createdAt: Date | string } } | null
            if (!found || found instanceof APIError || !found.session) return
            if (!pastAbsoluteEnd(new Date(found.session.createdAt), sessionMaxAgeSeconds)) return
            await ctx.context.internalAdapter.deleteSession(found.session.token)
            deleteSessionCookie(ctx)
            return ctx.json(null)
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin

  /**
   * The password step of an account with TOTP on, done here instead of by Better Auth (one
   * argon2 verification, as Better Auth's own would cost): a wrong password is the usual 401;
   * a right one is not a failure, and ends in SecondFactorRequired, never in a session.
   */
  async function demandSecondFactor(
    ctx: { context: AuthContext },
    client: SigninClient,
    { email, password }: { email: string; password: string },
    startedAt: number,
  ): Promise<never> {
    const found = await ctx.context.internalAdapter.findUserByEmail(email, { includeAccounts: true })
    const hash = found?.accounts.find((a) => a.providerId === 'credential')?.password
    if (!found || !hash || !(await ctx.context.password.verify({ hash, password }))) {
      await answerNoSoonerThanFloor(startedAt)
      throw invalidCredentials()
    }
    await limits.signinSucceeded(client, email)
    if (requireEmailVerification && !found.user.emailVerified) throw emailNotVerified()
    throw new SecondFactorRequired(found.user.id, passwordFingerprint(hash))
  }

  /**
   * The client as the sign-in limits see it: its address, and its device cookie for `email` if
   * that was issued after the account's password last changed (looked up only when one is sent).
   */
  async function signinClient(
    ctx: HookContext & { context: AuthContext },
    ip: string,
    email: string,
  ): Promise<SigninClient> {
    const cookie = requestHeaders(ctx)?.get('cookie')
    if (!devices.hasCookieFor(cookie, email)) return { ip, device: undefined }
    const found = await ctx.context.internalAdapter.findUserByEmail(email, { includeAccounts: true })
    const passwordChangedAt = found?.accounts.find((a) => a.providerId === 'credential')?.updatedAt
    return { ip, device: devices.deviceFor(cookie, email, passwordChangedAt ?? new Date(8.64e15)) }
  }

  /**
   * Waits until SIGNIN_FAILURE_MIN_MS have passed since the password check began, so an unknown
   * email and a wrong password take the same time whatever work either skipped (API.md).
   */
  async function answerNoSoonerThanFloor(startedAt: number) {
    if (!Number.isFinite(startedAt)) return
    const left = signinFailureMinMs - (performance.now() - startedAt)
    if (left > 0) await setTimeout(left)
  }
}

function requestHeaders(ctx: HookContext): Headers | undefined {
  return ctx.headers ?? ctx.request?.headers
}

/** Set by our server from the socket (and trusted proxies) on every request Better Auth sees. */
function clientIp(ctx: HookContext): string {
  const ip = requestHeaders(ctx)?.get(CLIENT_IP_HEADER)
  if (!ip) throw new Error(`${CLIENT_IP_HEADER} is missing: every call into Better Auth must say who the client is`)
  return ip
}

function valid<T>(schema: ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {})
  if (!result.success) throw unprocessable(fieldErrors(result.error))
  return result.data
}

/**
 * The seed's contracts (POST /api/auth/signup, /signin, /signout) plus GET /api/auth/token
 * and GET /api/me. Thin adapters over `auth.api.*` that reshape results into API.md.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { APIError } from 'better-auth/api'
import { eq } from 'drizzle-orm'
import type { Context, MiddlewareHandler } from 'hono'
import type { AuditLog } from '../audit/audit-log.js'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import { session as sessionTable, user as userTable } from '../db/schema.js'
import type { AppEnv } from '../http/env.js'
import { bearerSecurity, errors, jsonRequest, jsonResponse } from '../http/openapi.js'
import { conflict, HttpError, unauthorized } from '../http/problem.js'
import { jsonBody, rejectInvalid } from '../http/validation.js'
import { type Auth, isEmailRegistered } from '../identity/better-auth.js'
import type { CallerResolver } from '../identity/caller.js'
import { clearAuthCookies, forwarded } from '../identity/request-headers.js'
import type { TokenService } from '../identity/tokens.js'
import type { AuthLimits } from '../rate-limits/policy.js'
import {
  AccessTokenSchema,
  AuthResultSchema,
  MeSchema,
  SigninBody,
  signupBody,
  toUserJson,
  VerificationRequiredSchema,
} from './schemas.js'

export type AuthRoutesDeps = {
  config: Config
  db: Db
  auth: Auth
  tokens: TokenService
  callers: CallerResolver
  limits: AuthLimits
  audit: AuditLog
  requireUser: MiddlewareHandler<AppEnv>
}

const INVALID_CREDENTIALS = 'Invalid email or password'

export function authRouter(deps: AuthRoutesDeps) {
  const { config, db, auth, tokens, callers, limits, audit, requireUser } = deps
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  const SignupBody = signupBody(config.passwordMinLength)

  const signupRoute = createRoute({
    method: 'post',
    path: '/auth/signup',
    tags: ['Auth'],
    summary: 'Create an account and sign in',
    middleware: [jsonBody] as const,
    request: { body: jsonRequest(SignupBody) },
    responses: {
      201: {
        description:
          'Account created and signed in (session cookie set); or, with REQUIRE_EMAIL_VERIFICATION, created and waiting for verification',
        content: { 'application/json': { schema: z.union([AuthResultSchema, VerificationRequiredSchema]) } },
      },
      ...errors(400, 409, 413, 415, 422, 429),
    },
  })

  router.openapi(signupRoute, async (c) => {
    await limits.signup(c.var.clientIp)
    const { email, password, name } = c.req.valid('json')
    let result: Awaited<ReturnType<typeof signUp>>
    try {
      result = await signUp(email, password, name ?? defaultName(email), c)
    } catch (err) {
      throw await signupError(err, email)
    }
    if (!result.response.token) {
      // REQUIRE_EMAIL_VERIFICATION: Better Auth made the user but no session, or, for an email
      // already taken, answered with a made-up user; API.md says 409 either way.
      if (!(await (await auth.$context).internalAdapter.findUserById(result.response.user.id))) {
        throw conflict('An account with this email already exists')
      }
      return c.json({ user: toUserJson(result.response.user), verification_required: true as const }, 201, {
        Location: '/api/me',
      })
    }
    return c.json(await sessionResult(c, result), 201, { Location: '/api/me' })
  })

  const signUp = (email: string, password: string, name: string, c: Context<AppEnv>) =>
    auth.api.signUpEmail({ body: { email, password, name }, headers: forwarded(c), returnHeaders: true })

  /** Duplicates are 409; a lost race for the same email surfaces as a failed insert. */
  async function signupError(err: unknown, email: string): Promise<unknown> {
    if (!(err instanceof APIError)) return err
    const code = (err.body as { code?: string } | undefined)?.code ?? ''
    if (
      code.startsWith('USER_ALREADY_EXISTS') ||
      (code === 'FAILED_TO_CREATE_USER' && (await isEmailRegistered(auth, email)))
    ) {
      return conflict('An account with this email already exists')
    }
    return err
  }

  // A flood from a client already over its limit is refused before its body is even read.
  const refuseBlockedIp: MiddlewareHandler<AppEnv> = async function refuseBlockedIp(c, next) {
    await limits.refuseBlockedSigninIp(c.var.clientIp)
    await next()
  }

  const signinRoute = createRoute({
    method: 'post',
    path: '/auth/signin',
    tags: ['Auth'],
    summary: 'Sign in with email and password',
    description:
      'Unknown email and wrong password get the same 401, in about the same time. With REQUIRE_EMAIL_VERIFICATION, the right password for an unverified address gets 403 `EMAIL_NOT_VERIFIED`.',
    middleware: [refuseBlockedIp, jsonBody] as const,
    request: { body: jsonRequest(SigninBody) },
    responses: {
      200: jsonResponse(AuthResultSchema, 'Signed in; session cookie set'),
      ...errors(400, 401, 403, 413, 415, 422, 429),
    },
  })

  router.openapi(signinRoute, async (c) => {
    const { email, password } = c.req.valid('json')
    const attempt = await limits.signin(c.var.clientIp, email)
    let result: Awaited<ReturnType<typeof signIn>>
    try {
      result = await signIn(email, password, c)
    } catch (err) {
      if (err instanceof APIError && err.statusCode === 401) throw unauthorized(INVALID_CREDENTIALS)
      if (err instanceof APIError && err.statusCode === 403) {
        await attempt.succeeded() // the password was right
        throw emailNotVerified()
      }
      throw err
    }
    await attempt.succeeded()
    return c.json(await sessionResult(c, result), 200)
  })

  const signIn = (email: string, password: string, c: Context<AppEnv>) =>
    auth.api.signInEmail({ body: { email, password }, headers: forwarded(c), returnHeaders: true })

  /** Passes the cookies on and adds an access token for the new session. */
  async function sessionResult(
    c: Context<AppEnv>,
    {
      headers,
      response,
    }: {
      headers: Headers
      response: {
        token: string | null
        user: { id: string; email: string; name: string; emailVerified: boolean; createdAt: Date }
      }
    },
  ) {
    for (const cookie of headers.getSetCookie()) c.header('Set-Cookie', cookie, { append: true })
    const sessionToken = response.token
    if (!sessionToken) throw new HttpError(500, 'Internal Server Error')
    const [row] = await db
      .select({ id: sessionTable.id })
      .from(sessionTable)
      .where(eq(sessionTable.token, sessionToken))
    // Gone already: a password reset or change ended it a moment after it was made.
    if (!row) throw unauthorized(INVALID_CREDENTIALS)
    const access = await tokens.issue({ userId: response.user.id, email: response.user.email, sessionId: row.id })
    return {
      user: toUserJson(response.user),
      token: access.token,
      expires_at: access.expiresAt.toISOString(),
      session_token: sessionToken,
    }
  }

  const signoutRoute = createRoute({
    method: 'post',
    path: '/auth/signout',
    tags: ['Auth'],
    summary: 'Sign out: revoke this session and its access tokens',
    description: 'Always 204, also when signed out already or the credential is invalid.',
    security: bearerSecurity,
    responses: { 204: { description: 'Signed out (or nothing to sign out)' } },
  })

  router.openapi(signoutRoute, async (c) => {
    const ending = await sessionToEnd(c.req.raw.headers)
    if (ending) {
      await (await auth.$context).internalAdapter.deleteSession(ending.token)
      await audit.record(ending.userId, 'signed_out')
    }
    await clearAuthCookies(c, auth)
    return c.body(null, 204)
  })

  /** The session a sign-out should end, whichever credential names it (even a revoked JWT's). */
  async function sessionToEnd(headers: Headers): Promise<{ token: string; userId: string } | undefined> {
    const caller = await callers.resolve(headers, { allowRevoked: true })
    if (!caller) return undefined
    const [row] = await db
      .select({ token: sessionTable.token, userId: sessionTable.userId })
      .from(sessionTable)
      .where(eq(sessionTable.id, caller.sessionId))
    return row
  }

  const tokenRoute = createRoute({
    method: 'get',
    path: '/auth/token',
    tags: ['Auth'],
    summary: 'Get a fresh access token for the current session',
    description: 'Needs a session (cookie or bearer session token); an access token cannot renew itself.',
    security: bearerSecurity,
    responses: { 200: jsonResponse(AccessTokenSchema, 'A new access token'), ...errors(401) },
  })

  router.openapi(tokenRoute, async (c) => {
    const caller = await callers.resolve(c.req.raw.headers, { jwt: false })
    if (!caller) throw unauthorized('A valid session is required')
    const access = await tokens.issue({ userId: caller.userId, email: caller.email, sessionId: caller.sessionId })
    await markSessionUsed(db, caller.sessionId)
    c.header('Cache-Control', 'no-store')
    return c.json({ token: access.token, expires_at: access.expiresAt.toISOString() }, 200)
  })

  const meRoute = createRoute({
    method: 'get',
    path: '/me',
    tags: ['Auth'],
    summary: 'The signed-in user',
    security: bearerSecurity,
    middleware: [requireUser] as const,
    responses: { 200: jsonResponse(MeSchema, 'The caller'), ...errors(401) },
  })

  router.openapi(meRoute, async (c) => {
    const [row] = await db.select().from(userTable).where(eq(userTable.id, c.var.caller.userId))
    if (!row) throw unauthorized()
    return c.json({ user: toUserJson(row) }, 200)
  })

  return router
}

const emailNotVerified = () =>
  new HttpError(403, 'Forbidden', {
    detail: 'Verify your email address first: open the link we sent you, or ask for a new one',
    code: 'EMAIL_NOT_VERIFIED',
  })

/**
 * `last_used_at` of GET /api/me/sessions. Renewing an access token is the one place a session
 * is used without a sign-in (access tokens themselves never touch the database).
 */
async function markSessionUsed(db: Db, sessionId: string) {
  await db.update(sessionTable).set({ updatedAt: new Date() }).where(eq(sessionTable.id, sessionId))
}

/** API.md: the name defaults to the part of the email before `@`. */
function defaultName(email: string): string {
  return email.slice(0, email.lastIndexOf('@')).slice(0, 100) || email
}

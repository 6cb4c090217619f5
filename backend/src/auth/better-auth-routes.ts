/**
 * Better Auth's own endpoints under /api/auth/*, behind the same policy as our seed
 * routes: the real client IP, the sign-up and sign-in limits, our password rules, and
 * errors reshaped into problem documents.
 */
import { STATUS_CODES } from 'node:http'
import { BASE_ERROR_CODES } from 'better-auth'
import type { Handler } from 'hono'
import type { Config } from '../config.js'
import type { AppEnv } from '../http/env.js'
import { HttpError, notFound, problemResponse, unprocessable } from '../http/problem.js'
import { JSON_MEDIA_TYPE } from '../http/validation.js'
import { type Auth, CLIENT_IP_HEADER, isEmailRegistered } from '../identity/better-auth.js'
import { passwordProblem } from '../identity/password.js'
import type { AuthLimits, SigninAttempt } from '../rate-limits/policy.js'

const BASE_PATH = '/api/auth'
/**
 * The Better Auth endpoints we expose. Its account-management endpoints are replaced by ours
 * (decision 009), which carry the limits, password rules and audit log; `list-sessions`
 * would even hand every session's bearer token to any script in the page.
 */
const EXPOSED_PATHS = new Set([
  '/sign-up/email',
  '/sign-in/email',
  '/sign-out',
  '/get-session',
  '/token',
  '/jwks',
  '/ok',
  '/error',
])

export function betterAuthHandler(deps: { auth: Auth; limits: AuthLimits; config: Config }): Handler<AppEnv> {
  const { auth, limits, config } = deps
  return async function betterAuth(c) {
    const { method } = c.req
    const path = c.req.path.slice(BASE_PATH.length)
    if (!EXPOSED_PATHS.has(path)) throw notFound('route')
    if (method === 'POST' && path === '/sign-in/email') await limits.refuseBlockedSigninIp(c.var.clientIp)
    const headers = new Headers(c.req.raw.headers)
    headers.set(CLIENT_IP_HEADER, c.var.clientIp) // overwrites anything the client sent
    const body = method === 'GET' || method === 'HEAD' ? undefined : await c.req.arrayBuffer()
    // Better Auth also takes form bodies; ours only JSON, so the limits and password rules
    // below always see what Better Auth will act on.
    if (method === 'POST' && body && body.byteLength > 0 && !JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) {
      throw new HttpError(415, 'Unsupported Media Type', { detail: 'Send the body as application/json' })
    }

    let attempt: SigninAttempt | undefined
    let signupEmail: unknown
    if (method === 'POST' && path === '/sign-up/email') {
      await limits.signup(c.var.clientIp)
      const { password, email } = jsonFields(body)
      signupEmail = email
      const problem = typeof password === 'string' ? passwordProblem(password, config.passwordMinLength) : undefined
      if (problem) throw unprocessable([{ field: 'password', message: problem }])
    } else if (method === 'POST' && path === '/sign-in/email') {
      const { email } = jsonFields(body)
      // Fail closed: an attempt without a usable email still counts against the client.
      attempt = await limits.signin(c.var.clientIp, typeof email === 'string' ? email : '')
    }

    const response = await auth.handler(new Request(c.req.url, { method, headers, body }))
    // A 403 is EMAIL_NOT_VERIFIED: the password was right.
    if (attempt && (response.ok || response.status === 403)) await attempt.succeeded()
    if (typeof signupEmail === 'string' && (await lostSignupRace(auth, response, signupEmail))) {
      return problemResponse(emailTaken())
    }
    return asProblem(response)
  }
}

/**
 * Better Auth checks the email is free, then inserts: two sign-ups racing for one address
 * both pass the check, and the loser's insert fails on the unique constraint, which Better
 * Auth reports as FAILED_TO_CREATE_USER. Answer the loser as a later duplicate is answered.
 */
async function lostSignupRace(auth: Auth, response: Response, email: string): Promise<boolean> {
  if (response.status !== 422) return false
  const { code } = (await response
    .clone()
    .json()
    .catch(() => ({}))) as { code?: unknown }
  if (code !== BASE_ERROR_CODES.FAILED_TO_CREATE_USER.code) return false
  return isEmailRegistered(auth, email)
}

const emailTaken = () => {
  const { code, message } = BASE_ERROR_CODES.USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL
  return new HttpError(422, STATUS_CODES[422] ?? 'Unprocessable Entity', { detail: message, code })
}

function jsonFields(body: ArrayBuffer | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(body))
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
  } catch {
    return {} // Better Auth answers malformed bodies itself
  }
}

/** Better Auth errors are `{ message, code }`; API.md wants RFC 9457 everywhere. */
async function asProblem(response: Response): Promise<Response> {
  if (response.status < 400 || !response.headers.get('content-type')?.includes('application/json')) return response
  const { message, code } = (await response.json().catch(() => ({}))) as { message?: unknown; code?: unknown }
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    if (!/^(content-type|content-length)$/i.test(name)) headers[name] = value
  })
  const status = response.status as HttpError['status']
  if (status === 401) headers['www-authenticate'] ??= 'Bearer' // API.md: every 401 names the scheme
  return problemResponse(
    new HttpError(status, STATUS_CODES[status] ?? 'Error', {
      ...(typeof message === 'string' ? { detail: message } : {}),
      ...(typeof code === 'string' ? { code } : {}),
      headers,
    }),
  )
}

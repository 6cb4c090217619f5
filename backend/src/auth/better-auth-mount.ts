/**
 * Better Auth's own endpoints under /api/auth/*, behind the same policy as our seed
 * routes: the real client IP, the sign-up and sign-in limits, our password rules, and
 * errors reshaped into problem documents.
 */
import { STATUS_CODES } from 'node:http'
import type { Handler } from 'hono'
import type { Config } from '../config.js'
import type { AppEnv } from '../http/env.js'
import { HttpError, problemResponse, unprocessable } from '../http/problem.js'
import { type Auth, CLIENT_IP_HEADER } from './auth.js'
import type { AuthLimits, SigninAttempt } from './limits.js'
import { passwordProblem } from './password.js'

const BASE_PATH = '/api/auth'

export function betterAuthHandler(deps: { auth: Auth; limits: AuthLimits; config: Config }): Handler<AppEnv> {
  const { auth, limits, config } = deps
  return async function betterAuth(c) {
    const { method } = c.req
    const path = c.req.path.slice(BASE_PATH.length)
    const headers = new Headers(c.req.raw.headers)
    headers.set(CLIENT_IP_HEADER, c.var.clientIp) // overwrites anything the client sent
    const body = method === 'GET' || method === 'HEAD' ? undefined : await c.req.arrayBuffer()

    let attempt: SigninAttempt | undefined
    if (method === 'POST' && path === '/sign-up/email') {
      await limits.signup(c.var.clientIp)
      const { password } = jsonFields(body)
      const problem = typeof password === 'string' ? passwordProblem(password, config.passwordMinLength) : undefined
      if (problem) throw unprocessable([{ field: 'password', message: problem }])
    } else if (method === 'POST' && path === '/sign-in/email') {
      const { email } = jsonFields(body)
      if (typeof email === 'string') attempt = await limits.signin(c.var.clientIp, email)
    }

    const response = await auth.handler(new Request(c.req.url, { method, headers, body }))
    if (attempt && response.ok) await attempt.succeeded()
    return asProblem(response)
  }
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
  return problemResponse(
    new HttpError(status, STATUS_CODES[status] ?? 'Error', {
      ...(typeof message === 'string' ? { detail: message } : {}),
      ...(typeof code === 'string' ? { code } : {}),
      headers,
    }),
  )
}

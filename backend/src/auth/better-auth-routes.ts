/**
 * Better Auth's own endpoints under /api/auth/*. Only transport is done here: which of its
 * endpoints are exposed, the real client IP, JSON only, and its `{ message, code }` errors
 * reshaped into problem documents. The rules (limits, input, answers) are the identity policy's
 * (identity/policy.ts), which Better Auth runs inside its own pipeline.
 */
import { STATUS_CODES } from 'node:http'
import type { Handler } from 'hono'
import { isBrowserRequest } from '../http/browser-request.js'
import type { AppEnv } from '../http/env.js'
import { HttpError, notFound, problemResponse } from '../http/problem.js'
import { JSON_MEDIA_TYPE } from '../http/validation.js'
import type { Auth } from '../identity/better-auth.js'
import { CLIENT_IP_HEADER } from '../identity/request-headers.js'

const BASE_PATH = '/api/auth'
/**
 * The Better Auth endpoints we expose. Its account-management endpoints are replaced by ours
 * (decision 009), which carry the limits, password rules and audit log; `list-sessions` and
 * `get-session` would hand session tokens to any script in the page (decision 017), and `error`
 * is an HTML page of its own on our origin.
 */
const EXPOSED_PATHS = new Set(['/sign-up/email', '/sign-in/email', '/sign-out', '/token', '/jwks', '/ok'])
/** Its endpoints that answer with the session token in their body, besides the cookie and a header. */
const SESSION_TOKEN_PATHS = new Set(['/sign-up/email', '/sign-in/email'])

export function betterAuthHandler({ auth }: { auth: Auth }): Handler<AppEnv> {
  return async function betterAuth(c) {
    const { method } = c.req
    const path = c.req.path.slice(BASE_PATH.length)
    if (!EXPOSED_PATHS.has(path)) throw notFound('route')
    const headers = new Headers(c.req.raw.headers)
    headers.set(CLIENT_IP_HEADER, c.var.clientIp) // overwrites anything the client sent
    const body = method === 'GET' || method === 'HEAD' ? undefined : await c.req.arrayBuffer()
    // Better Auth also takes form bodies; the identity policy reads JSON only.
    if (method === 'POST' && body && body.byteLength > 0 && !JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) {
      throw new HttpError(415, 'Unsupported Media Type', { detail: 'Send the body as application/json' })
    }
    const response = await auth.handler(new Request(c.req.url, { method, headers, body }))
    if (SESSION_TOKEN_PATHS.has(path)) response.headers.set('Cache-Control', 'no-store') // it holds credentials
    return asProblem(isBrowserRequest(headers) ? await withoutSessionToken(path, response) : response)
  }
}

/**
 * A browser keeps its session as the HttpOnly cookie only (decision 017): the answer loses the
 * `set-auth-token` header of Better Auth's bearer plugin and, where the body has one, its `token`.
 */
async function withoutSessionToken(path: string, response: Response): Promise<Response> {
  const headers = new Headers(response.headers)
  headers.delete('set-auth-token')
  const json = response.ok && response.headers.get('content-type')?.includes('application/json')
  if (!SESSION_TOKEN_PATHS.has(path) || !json) {
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  }
  const { token: _sessionToken, ...body } = (await response.json()) as Record<string, unknown>
  headers.delete('content-length')
  return new Response(JSON.stringify(body), { status: response.status, headers })
}

/** Better Auth errors are `{ message, code }`; API.md wants RFC 9457 everywhere. */
async function asProblem(response: Response): Promise<Response> {
  if (response.status < 400) return response
  // Its errors are JSON, but its router answers an unknown method or path with an empty body.
  const json = response.headers.get('content-type')?.includes('application/json')
  const { message, code } = (json ? await response.json().catch(() => ({})) : {}) as {
    message?: unknown
    code?: unknown
  }
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

/**
 * RFC 9457 problem documents: the only shape an error response takes.
 * Code throws HttpError; `onError` is the one place that writes error bodies.
 */
import { STATUS_CODES } from 'node:http'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from './env.js'

export type FieldError = { field: string; message: string }

export type ProblemExtras = {
  detail?: string
  errors?: FieldError[]
  headers?: Record<string, string>
  /** Extension member for machine-readable error codes (e.g. Better Auth's). */
  code?: string
  cause?: unknown
}

export class HttpError extends Error {
  readonly status: ContentfulStatusCode
  readonly extras: ProblemExtras
  constructor(status: ContentfulStatusCode, title: string, extras: ProblemExtras = {}) {
    super(title, { cause: extras.cause })
    this.status = status
    this.extras = extras
  }
}

export const badRequest = (detail: string) => new HttpError(400, 'Bad Request', { detail })
export const unauthorized = (detail = 'Missing or invalid credentials') =>
  new HttpError(401, 'Unauthorized', { detail, headers: { 'WWW-Authenticate': 'Bearer' } })
export const forbidden = (detail = 'You may not access this resource') => new HttpError(403, 'Forbidden', { detail })
export const notFound = (what: string) => new HttpError(404, 'Not Found', { detail: `No such ${what}` })
export const conflict = (detail: string) => new HttpError(409, 'Conflict', { detail })
export const unprocessable = (errors: FieldError[]) =>
  new HttpError(422, 'Unprocessable Content', { detail: 'The request has invalid fields', errors })
export const tooManyRequests = (retryAfterSeconds: number) =>
  new HttpError(429, 'Too Many Requests', {
    detail: 'Too many attempts; try again later',
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  })
export const serviceUnavailable = (detail = 'A dependency is unavailable; try again shortly') =>
  new HttpError(503, 'Service Unavailable', { detail, headers: { 'Retry-After': '5' } })

export function problemBody(status: number, title: string, extras: ProblemExtras = {}) {
  return {
    // RFC 9457 §4.2.1: about:blank means the title is the HTTP status phrase.
    type: 'about:blank',
    title,
    status,
    ...(extras.detail ? { detail: extras.detail } : {}),
    ...(extras.code ? { code: extras.code } : {}),
    ...(extras.errors ? { errors: extras.errors } : {}),
  }
}

export function problemResponse(err: HttpError): Response {
  const headers = new Headers(err.extras.headers)
  headers.set('Content-Type', 'application/problem+json')
  return new Response(JSON.stringify(problemBody(err.status, err.message, err.extras)), {
    status: err.status,
    headers,
  })
}

export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof HttpError) return problemResponse(err)
  // Hono and its middleware (e.g. @hono/zod-openapi's media-type check) refuse requests
  // with their own exception: keep its 4xx status, in our shape and without its message.
  if (err instanceof HTTPException && err.status >= 400 && err.status < 500) {
    const status = err.status as ContentfulStatusCode
    return problemResponse(new HttpError(status, STATUS_CODES[status] ?? 'Bad Request'))
  }
  if (hasCode(err, FOREIGN_KEY_VIOLATION)) {
    // A write for a user deleted a moment ago (whose token was still in flight).
    return problemResponse(unauthorized())
  }
  if (isDatabaseUnavailable(err)) {
    c.var.log?.warn({ err }, 'database unavailable')
    return problemResponse(serviceUnavailable())
  }
  c.var.log?.error({ err }, 'unhandled error')
  return problemResponse(new HttpError(500, 'Internal Server Error', { detail: 'Something went wrong on our side' }))
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08006',
  '08001',
  '08003',
])

/** True for errors that mean "the database is down", not "the query is wrong". */
const FOREIGN_KEY_VIOLATION = '23503'

/** Whether `err`, or an error it wraps, carries the database error `code`. */
function hasCode(err: unknown, code: string): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.code === code) return true
    e = e.cause as typeof e
  }
  return false
}

export function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true
    if (
      typeof e.message === 'string' &&
      /timeout exceeded when trying to connect|Connection terminated/i.test(e.message)
    )
      return true
  }
  return false
}

/**
 * Request-body plumbing shared by every JSON route: 415 for non-JSON, 400 for bytes
 * that are not UTF-8 or not JSON, and 422 listing every invalid field.
 */
import type { Hook } from '@hono/zod-openapi'
import { z } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import type { ZodError } from 'zod'
import type { AppEnv } from './env.js'
import { badRequest, type FieldError, HttpError, unprocessable } from './problem.js'

export const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Checks the body is JSON, with the errors API.md promises; routes then validate it. */
export const jsonBody: MiddlewareHandler<AppEnv> = async function jsonBody(c, next) {
  if (!JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) {
    throw new HttpError(415, 'Unsupported Media Type', { detail: 'Send the body as application/json' })
  }
  let text: string
  try {
    text = utf8.decode(await c.req.arrayBuffer())
  } catch (err) {
    if (err instanceof HttpError) throw err
    throw badRequest('The request body is not valid UTF-8')
  }
  try {
    JSON.parse(text)
  } catch {
    throw badRequest('The request body is not valid JSON')
  }
  await next() // Hono's validator re-reads the cached body
}

/** For routes whose body is optional: none at all is fine, anything else must be JSON. */
export const optionalJsonBody: MiddlewareHandler<AppEnv> = async function optionalJsonBody(c, next) {
  const hasBody = c.req.header('content-type') !== undefined || Number(c.req.header('content-length') ?? 0) > 0
  if (hasBody || c.req.header('transfer-encoding')) return jsonBody(c, next)
  await next()
}

export function fieldErrors(error: ZodError): FieldError[] {
  const errors: FieldError[] = []
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.')
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ field: path ? `${path}.${key}` : key, message: 'Unknown field' })
    } else {
      errors.push({ field: path || 'body', message: issue.message })
    }
  }
  return errors
}

/** `defaultHook` for OpenAPIHono routers: any validation failure is one 422. */
export const rejectInvalid: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) throw unprocessable(fieldErrors(result.error as ZodError))
}

/** Half of a UTF-16 surrogate pair without the other half: not text, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * A string with no NUL or other C0 control characters except tab and newline, and no lone
 * surrogates (the database would store U+FFFD instead, so what is kept would differ from what was sent).
 */
export const cleanString = () =>
  z
    .string()
    .refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s), 'Must not contain control characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'Must be valid Unicode text')

/** A `limit` query parameter: digits only (no `1e2`, no blanks), from 1 to `max`. */
export const limitParam = (max: number, defaultValue: number) =>
  z
    .string()
    .regex(/^\d{1,3}$/, `limit must be an integer from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().min(1, 'limit must be at least 1').max(max, `limit must be at most ${max}`))
    .default(defaultValue)
    .openapi({ type: 'integer', minimum: 1, maximum: max, default: defaultValue })

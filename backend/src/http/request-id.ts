/**
 * Request ids: always one of ours, so no client can make its requests share an id with someone
 * else's in the log (or fill it with what it likes). A client's own X-Request-Id, when it sends
 * one, is logged beside ours, cut short and cleaned, for tracing across its systems.
 */
import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './env.js'

export const REQUEST_ID_HEADER = 'X-Request-Id'
export const CLIENT_REQUEST_ID_MAX_LENGTH = 64

export function assignRequestId(): MiddlewareHandler<AppEnv> {
  return async function requestId(c, next) {
    const id = randomUUID()
    c.set('requestId', id)
    c.header(REQUEST_ID_HEADER, id)
    await next()
  }
}

/** The id a client sent, in characters that read plainly in any log viewer; undefined when none is left. */
export function clientRequestId(header: string | undefined): string | undefined {
  const cleaned = header?.replace(/[^\w.:/=+-]/g, '').slice(0, CLIENT_REQUEST_ID_MAX_LENGTH)
  return cleaned ? cleaned : undefined
}

/**
 * pino, one child logger per request carrying its id. Headers and bodies are never
 * logged, and errors only through loggableError, so passwords, tokens and cookies cannot end
 * up in logs, not even as the values of a query that failed.
 */
import type { MiddlewareHandler } from 'hono'
import pino, { type DestinationStream, type Logger } from 'pino'
import type { AppEnv } from './env.js'
import { loggableError, loggableMessage } from './loggable-error.js'
import { clientRequestId } from './request-id.js'

/** `destination`: where the lines go (standard output unless given, e.g. memory in a test). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    redact: {
      paths: ['*.authorization', '*.cookie', '*.password', '*.token', '*.session_token'],
      censor: '[redacted]',
    },
    serializers: { err: loggableError },
    formatters: {
      // An error under any other name (`{ cause }`, `{ error }`) would be written whole.
      log: (fields: Record<string, unknown>) => mapValues(fields, loggableError),
    },
    hooks: {
      // With no message of its own, pino would take the error's, values and all.
      logMethod(this: Logger, args: unknown[], method: (...args: unknown[]) => void) {
        const [first, second] = args
        if (typeof second === 'string') return method.apply(this, args)
        if (first instanceof Error) return method.call(this, { err: first }, loggableMessage(first), ...args.slice(1))
        const err = (first as { err?: unknown } | null)?.err
        if (err instanceof Error) return method.call(this, first, loggableMessage(err), ...args.slice(1))
        return method.apply(this, args)
      },
    },
  }
  return destination ? pino(options, destination) : pino(options)
}

export function requestLogger(log: Logger): MiddlewareHandler<AppEnv> {
  return async function logRequest(c, next) {
    const started = performance.now()
    const theirs = clientRequestId(c.req.header('x-request-id'))
    const child = log.child({ reqId: c.var.requestId, ...(theirs ? { clientReqId: theirs } : {}) })
    c.set('log', child)
    await next()
    // Hono drops headers set before a response exists when notFound or onError builds it
    // outside any middleware that touched c.res (e.g. /nope, /readyz 503): every response has one.
    if (!c.res.headers.has('x-request-id')) c.res.headers.set('X-Request-Id', c.var.requestId)
    const status = c.res.status
    const level = status >= 500 ? 'error' : 'info'
    child[level](
      { method: c.req.method, path: c.req.path, status, ms: Math.round((performance.now() - started) * 10) / 10 },
      'request',
    )
  }
}

function mapValues(fields: Record<string, unknown>, map: (value: unknown) => unknown): Record<string, unknown> {
  const mapped: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) mapped[key] = map(value)
  return mapped
}

/**
 * pino, one child logger per request carrying its id. Headers and bodies are never
 * logged, so passwords, tokens and cookies cannot end up in logs.
 */
import type { MiddlewareHandler } from 'hono'
import pino, { type Logger } from 'pino'
import type { AppEnv } from './env.js'

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ['*.authorization', '*.cookie', '*.password', '*.token', '*.session_token'],
      censor: '[redacted]',
    },
  })
}

export function requestLogger(log: Logger): MiddlewareHandler<AppEnv> {
  return async function logRequest(c, next) {
    const started = performance.now()
    const child = log.child({ reqId: c.var.requestId })
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

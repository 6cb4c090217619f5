/**
 * Browser-facing defences: secure headers, a CORS allowlist (credentials, never `*`),
 * and an Origin check on state-changing requests (CSRF), and the body size limit.
 */
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import type { AppEnv } from './env.js'
import { forbidden, HttpError } from './problem.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Strict-Transport-Security for an app served at `publicUrl`: a year of https only when it is
 * https, nothing otherwise (a browser would then refuse a developer's every http://localhost
 * site). The web app's server (frontend/server.ts) sends the same to pages.
 */
export function strictTransportSecurity(publicUrl: string): string | false {
  return publicUrl.startsWith('https://') ? 'max-age=31536000; includeSubDomains' : false
}

export function corsAllowlist(trustedOrigins: ReadonlySet<string>): MiddlewareHandler<AppEnv> {
  return cors({
    origin: (origin) => (trustedOrigins.has(origin) ? origin : null),
    credentials: true,
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Content-Type', 'Authorization'],
    exposeHeaders: ['Location', 'Retry-After', 'WWW-Authenticate'],
    maxAge: 600,
  })
}

/**
 * A state-changing request from a browser must come from a trusted origin. Requests with
 * no Origin (curl, servers) carry no ambient credentials a page could abuse, unless they
 * send a cookie from a cross-site context, which Sec-Fetch-Site reveals.
 */
export function originGuard(trustedOrigins: ReadonlySet<string>): MiddlewareHandler<AppEnv> {
  return async function checkOrigin(c, next) {
    if (!SAFE_METHODS.has(c.req.method)) refuseCrossSite(c.req.raw.headers, trustedOrigins)
    await next()
  }
}

/**
 * Throws 403 for a request from a foreign origin, or one carrying a cookie from a cross-site
 * context. State-changing requests pass here (originGuard), and so does a GET that holds server
 * resources as a live-sync stream does (API.md "Live sync").
 */
export function refuseCrossSite(headers: Headers, trustedOrigins: ReadonlySet<string>): void {
  const origin = headers.get('origin') ?? undefined
  if (origin !== undefined && !trustedOrigins.has(origin)) throw forbidden('Cross-origin request refused')
  const site = headers.get('sec-fetch-site')
  if (origin === undefined && headers.get('cookie') && site && site !== 'same-origin' && site !== 'none') {
    throw forbidden('Cross-site request refused')
  }
}

export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw new HttpError(413, 'Content Too Large', {
        detail: `The request body must be at most ${maxSize} bytes`,
        // The rest of the body is not read; do not reuse this connection for another request.
        headers: { Connection: 'close' },
      })
    },
  })
  // GET and HEAD carry no body here (no route reads one), and Hono's limit would build a whole
  // Request for each of them: a tenth of the task list's CPU.
  return async function limitBodyOfWrites(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    return limit(c, next)
  }
}

/**
 * createApp: the whole HTTP surface, wired from services. Middleware order matters:
 * request id → logger → client IP → secure headers → CORS → origin check → body limit.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import { secureHeaders } from 'hono/secure-headers'
import { trackRequestOrigin } from './audit/request-origin.js'
import { authRouter } from './auth/router.js'
import { referencePageRouter } from './docs/reference-page.js'
import { resolveClientIp } from './http/client-ip.js'
import type { AppEnv } from './http/env.js'
import { requestLogger } from './http/logger.js'
import { notFound, onError, problemResponse } from './http/problem.js'
import { assignRequestId } from './http/request-id.js'
import { corsAllowlist, limitBody, originGuard, strictTransportSecurity } from './http/security.js'
import { rejectInvalid } from './http/validation.js'
import { createRequireUser } from './identity/caller.js'
import { currentUserRouter } from './me/current-user.js'
import { meRouter } from './me/router.js'
import { opsRouter } from './ops/routes.js'
import type { Services } from './services.js'
import { syncRouter } from './sync/router.js'
import { tasksRouter } from './tasks/routes.js'

/** `draining` (server.ts: after SIGTERM) turns /readyz to 503 while requests are still served. */
export function createApp(services: Services, lifecycle: { draining(): boolean } = { draining: () => false }) {
  const { config, log, database, callers } = services
  const trustedOrigins = new Set([config.publicUrl, ...config.corsOrigins])
  const requireUser = createRequireUser(callers)

  const app = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  app.onError(onError)
  app.notFound(() => problemResponse(notFound('route')))

  app.use(assignRequestId())
  app.use(requestLogger(log))
  app.use(resolveClientIp(config.trustedProxies, config.trustedProxySecret))
  // Security events take the request's IP and user agent from here (audit/request-origin.ts).
  app.use(trackRequestOrigin())
  app.use(
    secureHeaders({
      crossOriginResourcePolicy: 'same-origin',
      strictTransportSecurity: strictTransportSecurity(config.publicUrl),
    }),
  )
  app.use('/api/*', corsAllowlist(trustedOrigins))
  app.use(originGuard(trustedOrigins))
  app.use(limitBody(config.bodyLimitBytes))

  app.route('/', opsRouter({ database, draining: lifecycle.draining }))
  app.route('/api', authRouter({ ...services, db: database.db }))
  app.route('/api', currentUserRouter({ db: database.db, requireUser }))
  const announceWrite = (userId: string) => services.announcer.changed(userId)
  app.route('/api', meRouter({ ...services, db: database.db, requireUser, announceWrite }))
  app.route(
    '/api',
    tasksRouter({
      db: database.db,
      listCache: services.listCache,
      limits: services.taskLimits,
      requireUser,
      announceWrite,
    }),
  )
  app.route('/api', syncRouter({ ...services, db: database.db, trustedOrigins, draining: lifecycle.draining }))

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT or session token',
    description: 'An access token (JWT) from sign-in, or the session_token',
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'better-auth.session_token',
  })
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Taskwell API',
      version: '1.0.0',
      description: 'Multi-user task manager. Every error is an RFC 9457 problem document.',
      // OpenAPI 3.1's `identifier` (an SPDX expression) is missing from the library's 3.0-shaped type.
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' } as { name: string },
    },
    // Relative: the document is right on whatever origin serves it (PUBLIC_URL, a proxy, a test port).
    servers: [{ url: '/', description: 'The origin serving this document' }],
  })
  app.route('/', referencePageRouter())

  return app
}

export type App = ReturnType<typeof createApp>

/** Liveness and readiness probes (API.md "Operations"). */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Database } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { errors, headersTooLarge, jsonResponse } from '../http/openapi.js'
import { serviceUnavailable } from '../http/problem.js'

const READY_TIMEOUT_MS = 1_000
const StatusSchema = z.object({ status: z.literal('ok') }).openapi('Status')

export function opsRouter({ database, draining = () => false }: { database: Database; draining?: () => boolean }) {
  const router = new OpenAPIHono<AppEnv>()

  const health = createRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    tags: ['Operations'],
    security: [], // probes need no credentials
    summary: 'Liveness: 200 while the process runs',
    responses: { 200: jsonResponse(StatusSchema, 'Running'), ...headersTooLarge },
  })
  router.openapi(health, (c) => c.json({ status: 'ok' as const }, 200))

  const ready = createRoute({
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    tags: ['Operations'],
    security: [], // probes need no credentials
    summary: 'Readiness: 200 when the database answers and the server is not shutting down, 503 otherwise',
    responses: { 200: jsonResponse(StatusSchema, 'Ready'), ...headersTooLarge, ...errors(503) },
  })
  router.openapi(ready, async (c) => {
    // Shutting down: still serving, but a load balancer watching /readyz should send no more.
    if (draining()) throw serviceUnavailable('The server is shutting down')
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS)
    })
    try {
      await Promise.race([database.ping(), timeout])
    } catch {
      throw serviceUnavailable('The database is not answering')
    } finally {
      clearTimeout(timer)
    }
    return c.json({ status: 'ok' as const }, 200)
  })

  return router
}

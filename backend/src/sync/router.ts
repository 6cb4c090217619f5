/**
 * GET /api/{user_id}/events/stream: live sync over Server-Sent Events (API.md "Live sync").
 * The checks run in the contract's order: a cross-site request is refused before anything else
 * (a stream holds a server slot and one of the user's), then the credential (401), the path (403),
 * the slots (429/503) and the feed (503); only then does the 200 start.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import type { AppEnv } from '../http/env.js'
import { bearerSecurity, errors } from '../http/openapi.js'
import { forbidden, serviceUnavailable, unauthorized } from '../http/problem.js'
import { refuseCrossSite } from '../http/security.js'
import { rejectInvalid } from '../http/validation.js'
import { bearerToken, type CallerResolver } from '../identity/caller.js'
import type { Revocations } from '../identity/revocation.js'
import { sessionEnd } from '../identity/session-lifetime.js'
import { findSession } from '../identity/sessions.js'
import type { TokenService } from '../identity/tokens.js'
import type { Feed } from './feed.js'
import type { StreamRegistry } from './limits.js'
import { StreamHeaders, StreamParams, StreamQuery, SYNC_DATA_COMPONENTS, SyncEventSchema } from './schemas.js'
import { openStream } from './stream.js'

export type SyncDeps = {
  config: Config
  db: Db
  feed: Feed
  callers: CallerResolver
  tokens: TokenService
  revocations: Revocations
  streams: StreamRegistry
  trustedOrigins: ReadonlySet<string>
  /** True from SIGTERM on: new streams would be cut at once, so they are refused. */
  draining: () => boolean
}

/**
 * API.md: `text/event-stream; charset=utf-8`, `no-cache, no-transform` (no proxy may compress or
 * rewrite it), `X-Accel-Buffering: no` (nginx would otherwise hold events back). No
 * Content-Length and no Content-Encoding are ever set: the body goes out as written.
 */
const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
} as const

const streamRoute = createRoute({
  method: 'get',
  path: '/{user_id}/events/stream',
  operationId: 'streamMyEvents',
  tags: ['Live sync'],
  security: bearerSecurity,
  summary: 'Live sync: my task changes and the end of my session, as Server-Sent Events',
  description: [
    'One long-lived stream per client (an `EventSource`; the session cookie, or a bearer access or session token — never a token in the query string).',
    'Each event has an `event:` line, an `id:` line and one `data:` line holding a JSON object; the `data` of each event is the component named in `SyncEvent` (`SyncReadyData`, `SyncTaskData`, …).',
    '`ready` comes first; its id is the position the stream continues from. Resume with `Last-Event-ID` (or `last_event_id`): the events after it are replayed once, or `resync` says to refetch.',
    'A comment line (`: ping`) follows each `heartbeat_seconds` of silence. `session.revoked`, `account.deleted` and `token.expired` end the stream.',
    'At most SYNC_MAX_STREAMS_PER_USER streams per user (429) and SYNC_MAX_STREAMS in all (503) on each server.',
  ].join('\n\n'),
  request: { params: StreamParams, query: StreamQuery, headers: StreamHeaders },
  responses: {
    200: {
      description: 'The stream: `retry:`, then `ready`, then the events as they happen',
      headers: {
        'Cache-Control': { schema: { type: 'string', example: 'no-cache, no-transform' } },
        'X-Accel-Buffering': { schema: { type: 'string', example: 'no' } },
      },
      content: {
        // A sequence of events in the text/event-stream format (WHATWG HTML §9.2), each described by
        // `SyncEvent` (OpenAPI 3.2 would call it the `itemSchema`; 3.1 has no word for a stream).
        'text/event-stream': { schema: SyncEventSchema },
      },
    },
    ...errors(401, 403, 429, 503),
  },
})

export function syncRouter(deps: SyncDeps) {
  const { config, db, feed, callers, tokens, revocations, streams, trustedOrigins, draining } = deps
  const router = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })

  // Before any other check, the route's own validation included.
  router.use('/:user_id/events/stream', async (c, next) => {
    refuseCrossSite(c.req.raw.headers, trustedOrigins)
    await next()
  })

  router.openapi(streamRoute, async (c) => {
    const headers = c.req.raw.headers
    // Only headers are read: `?access_token=` and the like are never credentials (URLs reach logs).
    const caller = await callers.resolve(headers)
    if (!caller) throw unauthorized()
    if (c.req.valid('param').user_id !== caller.userId) throw forbidden()
    const expiresAt = await credentialEnd(caller.via, caller.userId, caller.sessionId, headers)
    if (!expiresAt) throw unauthorized()
    if (draining()) throw serviceUnavailable('The server is shutting down; reconnect')
    // HEAD: the headers a stream would have, without holding a slot for a body nobody reads.
    if (c.req.raw.method === 'HEAD') return new Response(null, { status: 200, headers: STREAM_HEADERS })

    const body = await openStream(
      {
        feed,
        registry: streams,
        revocations,
        log: c.var.log,
        retryMs: config.sync.retryMs,
        heartbeatSeconds: config.sync.heartbeatSeconds,
      },
      {
        userId: caller.userId,
        sessionId: caller.sessionId,
        expiresAt,
        // API.md: the header wins.
        lastEventId: c.req.valid('header')['last-event-id'] ?? c.req.valid('query').last_event_id,
      },
    )
    return new Response(body, { status: 200, headers: STREAM_HEADERS })
  })

  // Every event's data is a named component, so the web app's generated types name each one.
  for (const [name, schema] of Object.entries(SYNC_DATA_COMPONENTS)) router.openAPIRegistry.register(name, schema)

  /**
   * When the credential stops opening streams: an access token at its `exp` (decision 003: a
   * stolen token dies with it), a session at its end (sliding or absolute, whichever is first).
   */
  async function credentialEnd(
    via: 'jwt' | 'session',
    userId: string,
    sessionId: string,
    headers: Headers,
  ): Promise<Date | undefined> {
    if (via === 'jwt') {
      const claims = await tokens.verify(bearerToken(headers) ?? '')
      return claims ? new Date(claims.exp * 1000) : undefined
    }
    const row = await findSession(db, userId, sessionId)
    return row ? sessionEnd(row, config.sessionMaxAgeSeconds) : undefined
  }

  return router
}

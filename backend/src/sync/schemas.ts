/**
 * Wire shapes of live sync (API.md "Live sync (Server-Sent Events)"): the stream route's inputs and
 * the `data:` of every event. Each data shape is a named OpenAPI component (Sync…Data), so the web
 * app's generated types (`npm run api:types`) describe what its EventSource receives.
 */
import { z } from '@hono/zod-openapi'
import { TaskSchema } from '../tasks/schemas.js'

const instant = z.string().openapi({ format: 'date-time' })

export const SyncReadyDataSchema = z
  .object({
    user_id: z.string(),
    heartbeat_seconds: z.number().int().min(1).max(60),
    expires_at: instant.openapi({
      description:
        "When the stream ends with `token.expired`: the access token's `exp`, or the session's end for a cookie or session token",
    }),
  })
  .openapi('SyncReadyData', {
    description: 'The first event of every stream; its `id:` is the position it continues from',
  })

export const SyncTaskDataSchema = z.object({ task: TaskSchema }).openapi('SyncTaskData', {
  description: '`task.created` and `task.updated`: the task as GET returns it after the write',
})

export const SyncTaskDeletedDataSchema = z
  .object({ id: z.string() })
  .openapi('SyncTaskDeletedData', { description: '`task.deleted`: the id of the deleted task' })

export const SyncTasksChangedDataSchema = z.object({}).strict().openapi('SyncTasksChangedData', {
  description: '`tasks.changed`: tasks changed in a way not sent task by task (operator SQL, a restore); refetch',
})

export const RESYNC_REASONS = ['unknown_position', 'too_old', 'interrupted'] as const
export const SyncResyncDataSchema = z.object({ reason: z.enum(RESYNC_REASONS) }).openapi('SyncResyncData', {
  description:
    '`resync`: the server cannot prove nothing was missed; refetch, then apply the events that follow. `unknown_position`: the id was malformed, unknown, in the future or not yours; `too_old`: its events are no longer kept; `interrupted`: the database was unreachable',
})

export const SESSION_REVOKED_REASONS = ['signed_out', 'revoked', 'password_changed', 'password_reset'] as const
export type SessionRevokedReason = (typeof SESSION_REVOKED_REASONS)[number]
export const SyncSessionRevokedDataSchema = z
  .object({ reason: z.enum(SESSION_REVOKED_REASONS) })
  .openapi('SyncSessionRevokedData', {
    description:
      "`session.revoked`, the stream's last event: `signed_out` (this session signed out), `revoked` (ended from another session, or by the session cap), `password_changed`, `password_reset`",
  })

export const SyncAccountDeletedDataSchema = z.object({}).strict().openapi('SyncAccountDeletedData', {
  description: "`account.deleted`, the stream's last event: the user was deleted",
})

export const SyncTokenExpiredDataSchema = z.object({ expires_at: instant }).openapi('SyncTokenExpiredData', {
  description:
    "`token.expired`, the stream's last event: the credential that opened it expired; reconnect with a fresh one and `Last-Event-ID`",
})

/** Every event name a stream writes, with the component its `data:` line holds. */
export const SYNC_EVENT_DATA = {
  ready: SyncReadyDataSchema,
  'task.created': SyncTaskDataSchema,
  'task.updated': SyncTaskDataSchema,
  'task.deleted': SyncTaskDeletedDataSchema,
  'tasks.changed': SyncTasksChangedDataSchema,
  resync: SyncResyncDataSchema,
  'session.revoked': SyncSessionRevokedDataSchema,
  'account.deleted': SyncAccountDeletedDataSchema,
  'token.expired': SyncTokenExpiredDataSchema,
} as const

export type SyncEventName = keyof typeof SYNC_EVENT_DATA

/** The data components by name, registered in the OpenAPI document (router.ts). */
export const SYNC_DATA_COMPONENTS = {
  SyncReadyData: SyncReadyDataSchema,
  SyncTaskData: SyncTaskDataSchema,
  SyncTaskDeletedData: SyncTaskDeletedDataSchema,
  SyncTasksChangedData: SyncTasksChangedDataSchema,
  SyncResyncData: SyncResyncDataSchema,
  SyncSessionRevokedData: SyncSessionRevokedDataSchema,
  SyncAccountDeletedData: SyncAccountDeletedDataSchema,
  SyncTokenExpiredData: SyncTokenExpiredDataSchema,
} as const

const eventOf = <N extends SyncEventName>(name: N) =>
  z.object({
    event: z.literal(name),
    id: z.string().openapi({ description: 'Opaque position; resume after it with Last-Event-ID' }),
    data: SYNC_EVENT_DATA[name],
  })

/**
 * One event of the stream, its three lines as fields (`data` is the parsed JSON of its `data:`
 * line): the pairing of each event name with its data, for clients' types.
 */
export const SyncEventSchema = z
  .discriminatedUnion('event', [
    eventOf('ready'),
    eventOf('task.created'),
    eventOf('task.updated'),
    eventOf('task.deleted'),
    eventOf('tasks.changed'),
    eventOf('resync'),
    eventOf('session.revoked'),
    eventOf('account.deleted'),
    eventOf('token.expired'),
  ])
  .openapi('SyncEvent', {
    description:
      "One Server-Sent Event of GET /api/{user_id}/events/stream: its `event:` and `id:` lines, and its `data:` line's JSON",
  })
export type SyncReadyData = z.infer<typeof SyncReadyDataSchema>
export type SyncSessionRevokedData = z.infer<typeof SyncSessionRevokedDataSchema>
export type SyncTokenExpiredData = z.infer<typeof SyncTokenExpiredDataSchema>

export const StreamParams = z.object({
  user_id: z.string().openapi({ param: { name: 'user_id', in: 'path' }, description: "The caller's user id" }),
})

export const StreamQuery = z.object({
  last_event_id: z
    .string()
    .optional()
    .openapi({
      param: { name: 'last_event_id', in: 'query' },
      description:
        'The position to resume after, for a new EventSource (e.g. a tab taking over). The `Last-Event-ID` header wins over it. Any id is accepted: one that cannot be resumed gets `resync`, never a 4xx',
    }),
})

export const StreamHeaders = z.object({
  'last-event-id': z
    .string()
    .optional()
    .openapi({
      param: { name: 'last-event-id', in: 'header' },
      description: 'The id of the last event received (EventSource sends it when it reconnects)',
    }),
})

/**
 * The live-sync stream's events (API.md "Live sync (Server-Sent Events)") as the web app reads
 * them: each SSE event's name and its one `data:` line of JSON become a SyncEvent, and anything
 * malformed is dropped (a stream from a newer API may carry events this build does not know).
 */
import type { components } from '../api/schema'
import type { Task } from '../types'

/** The stream's events as the API's OpenAPI document describes them (generated: `npm run api:types`). */
type WireSyncEvent = components['schemas']['SyncEvent']
export type SyncEventName = WireSyncEvent['event']
/** The `data` of one event. */
type DataOf<N extends SyncEventName> = Extract<WireSyncEvent, { event: N }>['data']
type RevokeReason = DataOf<'session.revoked'>['reason']

/** Why a session ended, as the sign-in page explains it (`/signin?ended=…`). */
export type EndReason =
  | RevokeReason
  | 'account_deleted'
  /** The session could not be renewed (`token.expired`, or a stream refused, then `/api/auth/token` 401). */
  | 'expired'
  /** Signed out in this browser, in another tab: nothing to explain. */
  | 'local'

/** What lists and task pages act on. */
export type TaskSyncEvent =
  | { type: 'task.created'; task: Task }
  | { type: 'task.updated'; task: Task }
  | { type: 'task.deleted'; id: string }
  /** `tasks.changed` or `resync`: what is shown can no longer be trusted, so it is fetched again. */
  | { type: 'refetch' }

export type SyncEvent =
  | TaskSyncEvent
  | { type: 'ready' }
  | { type: 'end'; reason: EndReason }
  /** The credential that opened the stream expired: renew, then resume. */
  | { type: 'token.expired' }

/** Every value of a wire union: it does not compile when the API adds or drops one. */
const all =
  <T extends string>() =>
  <const V extends readonly T[]>(values: V & ([T] extends [V[number]] ? unknown : never)) =>
    values

/** Every event name the stream sends; EventSource only reports names it listens for. */
export const EVENT_NAMES = all<SyncEventName>()([
  'ready',
  'task.created',
  'task.updated',
  'task.deleted',
  'tasks.changed',
  'resync',
  'session.revoked',
  'account.deleted',
  'token.expired',
])

const REVOKE_REASONS = all<RevokeReason>()(['signed_out', 'revoked', 'password_changed', 'password_reset'])

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Enough of a Task to place and show it; the API sends the whole of GET's answer (SyncTaskData). */
function isTask(value: unknown): value is DataOf<'task.created'>['task'] & Task {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.title === 'string' &&
    typeof value.updated_at === 'string' &&
    typeof value.completed === 'boolean' &&
    Array.isArray(value.tags)
  )
}

/** One event off the wire, or null when it is not one this app understands. */
export function parseSyncEvent(name: string, data: string): SyncEvent | null {
  let body: unknown
  try {
    body = JSON.parse(data)
  } catch {
    return null
  }
  if (!isRecord(body)) return null
  switch (name) {
    case 'ready':
      return { type: 'ready' }
    case 'task.created':
    case 'task.updated':
      return isTask(body.task) ? { type: name, task: body.task } : null
    case 'task.deleted':
      return typeof body.id === 'string' ? { type: 'task.deleted', id: body.id } : null
    case 'tasks.changed':
    case 'resync':
      return { type: 'refetch' }
    case 'session.revoked': {
      const reason = REVOKE_REASONS.find((r) => r === body.reason)
      // A reason added later still ends the session: said as the general "signed out".
      return { type: 'end', reason: reason ?? 'revoked' }
    }
    case 'account.deleted':
      return { type: 'end', reason: 'account_deleted' }
    case 'token.expired':
      return { type: 'token.expired' }
    default:
      return null
  }
}

/** What the sign-in page says about a session that ended (`?ended=`), or nothing. */
export function endedMessage(reason: string | null): string | undefined {
  switch (reason) {
    case 'signed_out':
    case 'revoked':
      return 'You were signed out on another device'
    case 'password_changed':
    case 'password_reset':
      return 'Your password was changed; sign in again'
    case 'account_deleted':
      return 'This account was deleted'
    case 'expired':
      return 'Your session expired'
    default:
      return undefined
  }
}

/**
 * A user's live feed (API.md "Live sync (Server-Sent Events)"): the events kept in the database,
 * replayed after a position, then delivered live in commit order. The stream route (router.ts,
 * stream*.ts) writes them; this module decides what they are.
 */
import type { Logger } from 'pino'
import type { Database } from '../db/client.js'

/** One event as a stream writes it: `id:` line, `event:` line, one `data:` line of JSON. */
export type SyncEvent = {
  id: string // opaque, per-user position; later events have later ids
  event: 'task.created' | 'task.updated' | 'task.deleted' | 'tasks.changed' | 'resync' | 'account.deleted'
  data: Record<string, unknown> // snake_case, exactly as API.md's table says (task.* carry `task` shaped as GET /api/{user_id}/tasks/{id} returns it)
}

export type OpenedFeed = {
  /** The position the `ready` event carries. */
  readyId: string
  /** Written right after `ready`, oldest first: the replayed events, or a single `resync` ({reason:'unknown_position'|'too_old'}). */
  backlog: SyncEvent[]
  /** Stops live delivery to this stream. Idempotent. */
  close(): void
}

export type Feed = {
  /**
   * Opens the user's feed after `lastEventId` (undefined, malformed, unknown, another user's, in the
   * future, too old: all allowed — see API.md "Resuming"). Live events after the backlog go to
   * `onEvent` in commit order, with no gap and no duplicate against the backlog, including
   * `resync` {reason:'interrupted'} after the database was unreachable, and `account.deleted` (last).
   * Rejects with `FeedUnavailableError` when the database cannot be reached (the route answers 503).
   */
  open(userId: string, lastEventId: string | undefined, onEvent: (event: SyncEvent) => void): Promise<OpenedFeed>
  start(): Promise<void>
  close(): Promise<void>
}

/** The database cannot be reached, so a feed cannot be opened: the route answers 503. */
export class FeedUnavailableError extends Error {}

export function createFeed(_deps: {
  database: Database
  log: Logger
  replaySeconds: number
  replayMaxEvents: number
}): Feed {
  throw new Error('createFeed: not implemented yet')
}

/**
 * A user's live feed (API.md "Live sync (Server-Sent Events)", decision 030): the events that
 * migration 0007's triggers keep in the database, replayed after a position, then delivered live
 * in commit order. The stream route (router.ts, stream*.ts) writes them; this module decides what
 * they are.
 *
 * Live delivery: the listener (feed-listener.ts) hears that a user's events committed; this
 * instance then reads that user's events after the position its streams have reached, once for
 * all of them, and hands each stream those it has not had. A stream registers before it reads its
 * position and backlog, so an event committed meanwhile is either in what it read or read after
 * (never neither), and positions, not arrival, decide what it gets (never twice).
 */
import type { Logger } from 'pino'
import type { Database } from '../db/client.js'
import {
  eventsAfter,
  idOf,
  newestPosition,
  newestPositions,
  positionOf,
  type StoredEvent,
  toSyncEvent,
} from './events-store.js'
import { createFeedListener } from './feed-listener.js'

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
  /** Events of this user committed (a write of this instance, or a NOTIFY): reads them for its streams. */
  heard(userId: string): void
  start(): Promise<void>
  close(): Promise<void>
}

/** The database cannot be reached, so a feed cannot be opened: the route answers 503. */
export class FeedUnavailableError extends Error {}

/** Events read per query while catching up: a stream far behind is caught up in several reads. */
const BATCH = 500
/** A failed catch-up read is tried again after this long (the database may be restarting). */
const RETRY_MS = 500
/**
 * How often, on PostgreSQL, an instance asks whether its streams' users have events it never
 * heard of. The API announces its writes after they commit (announcer.ts): an instance that stops
 * in between leaves the others unaware of that write until the user's next one. This bounds the
 * wait. The question is one indexed read per SWEEP_USERS users.
 */
const SWEEP_MS = 5_000
const SWEEP_USERS = 1_000

type Stream = {
  onEvent: (event: SyncEvent) => void
  /** The position this stream has reached; undefined while it is opening. */
  after: number | undefined
  /** A notification came while it was opening: catch up as soon as it is open. */
  heard: boolean
  /** The listener was down since it registered: it gets `resync` (interrupted) next. */
  interrupted: boolean
  closed: boolean
}

/** One user's open streams on this instance, caught up together. */
type UserStreams = {
  userId: string
  streams: Set<Stream>
  catchingUp: boolean
  again: boolean
}

type Resumed = { readyId: string; backlog: SyncEvent[]; after: number }

export function createFeed(deps: {
  database: Database
  log: Logger
  replaySeconds: number
  replayMaxEvents: number
  /** How often to look for unannounced events (SWEEP_MS); PostgreSQL only. */
  sweepMs?: number
}): Feed {
  const { database, log, replaySeconds, replayMaxEvents, sweepMs = SWEEP_MS } = deps
  const db = database.db
  const users = new Map<string, UserStreams>()
  let closed = false
  let sweepTimer: NodeJS.Timeout | undefined

  const heard = (userId: string) => {
    const user = users.get(userId)
    if (!user) return
    for (const stream of user.streams) if (stream.after === undefined) stream.heard = true
    catchUp(user)
  }

  const listener = createFeedListener({
    database,
    log,
    onNotify: heard,
    onResumed() {
      for (const user of users.values()) {
        for (const stream of user.streams) stream.interrupted = true
        catchUp(user)
      }
    },
  })

  const deliver = (stream: Stream, event: SyncEvent) => {
    if (stream.closed) return
    try {
      stream.onEvent(event)
    } catch (err) {
      log.error({ err }, 'a live-sync stream failed to take an event')
    }
  }

  /** Runs `readUp` for the user, once at a time; a call while it runs makes it run again. */
  function catchUp(user: UserStreams) {
    if (user.catchingUp) {
      user.again = true
      return
    }
    user.catchingUp = true
    void (async () => {
      try {
        do {
          user.again = false
          await readUp(user)
        } while (user.again && !closed)
        user.catchingUp = false
      } catch (err) {
        user.catchingUp = false
        if (closed || user.streams.size === 0) return
        log.warn({ err, userId: user.userId }, 'live-sync could not read events; trying again')
        setTimeout(() => catchUp(user), RETRY_MS).unref()
      }
    })()
  }

  /** Brings every open stream of the user up to the newest committed event. */
  async function readUp(user: UserStreams) {
    const open = () => [...user.streams].filter((s) => s.after !== undefined && !s.closed)
    if (open().some((s) => s.interrupted)) {
      // Events may have committed unheard: the stream refetches from the newest position on.
      const newest = await newestPosition(db, user.userId)
      for (const stream of open()) {
        if (!stream.interrupted) continue
        stream.interrupted = false
        const at = Math.max(newest, stream.after ?? 0)
        stream.after = at
        deliver(stream, { id: idOf(at), event: 'resync', data: { reason: 'interrupted' } })
      }
    }
    for (;;) {
      const streams = open()
      if (streams.length === 0) return
      const from = Math.min(...streams.map((s) => s.after ?? 0))
      const stored = await eventsAfter(db, user.userId, from, BATCH, replaySeconds)
      for (const row of stored) {
        const event = toSyncEvent(row)
        for (const stream of streams) {
          if (stream.closed || (stream.after ?? 0) >= row.position) continue
          stream.after = row.position
          deliver(stream, event)
        }
      }
      if (stored.length < BATCH) return
    }
  }

  /** Catches up every user one of whose open streams is behind the newest position. */
  async function sweep() {
    const watched = [...users.values()]
    for (let i = 0; i < watched.length && !closed; i += SWEEP_USERS) {
      const some = watched.slice(i, i + SWEEP_USERS)
      const newest = await newestPositions(
        db,
        some.map((user) => user.userId),
      )
      for (const user of some) {
        const at = newest.get(user.userId) ?? 0
        if ([...user.streams].some((s) => s.after !== undefined && !s.closed && s.after < at)) catchUp(user)
      }
    }
  }

  const sweepLater = () => {
    sweepTimer = setTimeout(async () => {
      try {
        await sweep()
      } catch (err) {
        // The database is away: the listener tells every stream `resync` once it is back.
        log.debug({ err }, 'live sync could not look for unannounced events')
      }
      if (!closed) sweepLater()
    }, sweepMs)
    sweepTimer.unref()
  }

  /** Where a stream starts (API.md "Resuming"): its ready id, backlog, and the position it has reached. */
  async function resume(userId: string, lastEventId: string | undefined): Promise<Resumed> {
    // The newest position first, then the events: whatever commits in between is read as an event.
    const newest = await newestPosition(db, userId)
    const resync = (reason: 'unknown_position' | 'too_old'): Resumed => ({
      readyId: idOf(newest),
      backlog: [{ id: idOf(newest), event: 'resync', data: { reason } }],
      after: newest,
    })
    if (lastEventId === undefined) return { readyId: idOf(newest), backlog: [], after: newest }
    const position = positionOf(lastEventId)
    // Malformed, or later than anything of this user (another user's, or from before a restore).
    if (position === undefined || position > newest) return resync('unknown_position')
    const stored: StoredEvent[] = await eventsAfter(db, userId, position, replayMaxEvents + 1, replaySeconds)
    if (position !== newest) {
      // The event right after it proves the position was this user's, and that nothing after it was pruned.
      const next = stored[0]
      if (!next || next.previous > position) return resync('too_old')
      if (next.previous !== position) return resync('unknown_position')
    }
    if (stored.length > replayMaxEvents || stored.some((event) => !event.fresh)) return resync('too_old')
    const last = stored.at(-1)?.position ?? position
    return { readyId: lastEventId, backlog: stored.map(toSyncEvent), after: Math.max(newest, last) }
  }

  return {
    async open(userId, lastEventId, onEvent) {
      if (closed) throw new FeedUnavailableError('live sync has stopped')
      let user = users.get(userId)
      if (!user) {
        user = { userId, streams: new Set(), catchingUp: false, again: false }
        users.set(userId, user)
      }
      const owner = user
      const stream: Stream = { onEvent, after: undefined, heard: false, interrupted: false, closed: false }
      // Registered before anything is read: a notification from now on is not lost.
      owner.streams.add(stream)
      const close = () => {
        if (stream.closed) return
        stream.closed = true
        owner.streams.delete(stream)
        if (owner.streams.size === 0 && users.get(userId) === owner) users.delete(userId)
      }
      let resumed: Resumed
      try {
        resumed = await resume(userId, lastEventId)
      } catch (err) {
        close()
        throw new FeedUnavailableError('the database cannot be reached', { cause: err })
      }
      stream.after = resumed.after
      if (stream.heard || stream.interrupted) catchUp(owner)
      return { readyId: resumed.readyId, backlog: resumed.backlog, close }
    },
    heard,
    async start() {
      await listener.start()
      if (database.driver === 'pg') sweepLater()
    },
    async close() {
      closed = true
      clearTimeout(sweepTimer)
      for (const user of users.values()) for (const stream of user.streams) stream.closed = true
      users.clear()
      await listener.close()
    },
  }
}

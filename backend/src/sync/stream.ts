/**
 * One live-sync stream, from its `ready` to its end (API.md "Live sync (Server-Sent Events)"):
 * the feed's backlog and live events in order, a `: ping` after each stretch of silence, and the
 * endings: `token.expired` when the credential that opened it expires, `session.revoked` when its
 * session ends, `account.deleted` from the feed, nothing at shutdown, and a cut connection for a
 * client that stopped reading. Whichever way it ends, its slot and its feed are let go at once.
 */
import type { Logger } from 'pino'
import { serviceUnavailable } from '../http/problem.js'
import type { Revocations } from '../identity/revocation.js'
import type { RevocationReason } from '../identity/revocation-reason.js'
import { type Feed, FeedUnavailableError, type OpenedFeed, type SyncEvent } from './feed.js'
import type { StreamHandle, StreamRegistry } from './limits.js'
import type { SyncEventName, SyncSessionRevokedData, SyncTokenExpiredData } from './schemas.js'
import { createStreamWriter, type StreamEnd } from './stream-writer.js'

/** API.md: "A client with more than 1 MiB unsent is disconnected". */
export const MAX_UNSENT_BYTES = 1024 * 1024
/**
 * Deleting an account ends its sessions a moment before the user row goes (Better Auth), and the
 * feed's `account.deleted` follows that commit. A stream told its session ended because the
 * account is being deleted waits this long for that event, which wins (API.md), before it ends
 * as `revoked` (the deletion failed after the sessions went). Inside the 1-second promise.
 */
export const ACCOUNT_DELETED_WAIT_MS = 600
/** Node's timers take at most 2^31-1 ms (~24.8 days); a session may last longer. */
const MAX_TIMER_MS = 2 ** 31 - 1

export type StreamDeps = {
  feed: Feed
  registry: StreamRegistry
  revocations: Revocations
  log: Logger
  retryMs: number
  heartbeatSeconds: number
}

export type StreamRequest = {
  userId: string
  sessionId: string
  /** When the credential that opens the stream stops being valid. */
  expiresAt: Date
  /** Last-Event-ID (header, else query), as sent. */
  lastEventId: string | undefined
}

/**
 * Takes a slot (429/503 when none is free), opens the user's feed (503 when the database cannot be
 * reached) and returns the response body, whose first bytes (`retry:`, `ready`, the backlog) are
 * already written.
 */
export async function openStream(deps: StreamDeps, request: StreamRequest): Promise<ReadableStream<Uint8Array>> {
  const { log } = deps
  const heartbeatMs = deps.heartbeatSeconds * 1000
  let opened: OpenedFeed | undefined
  let lastId = ''
  let live = false
  const early: SyncEvent[] = [] // live events that arrive before the backlog is written
  let pendingRevocation: RevocationReason | undefined
  let heartbeat: NodeJS.Timeout | undefined
  let expiry: NodeJS.Timeout | undefined
  let accountDeletedWait: NodeJS.Timeout | undefined
  let release = () => {}

  const writer = createStreamWriter({
    maxUnsentBytes: MAX_UNSENT_BYTES,
    onEnd(how: StreamEnd) {
      clearTimeout(heartbeat)
      clearTimeout(expiry)
      clearTimeout(accountDeletedWait)
      opened?.close()
      release()
      if (how === 'overflow') log.info({ userId: request.userId }, 'live-sync client stopped reading; disconnected')
    },
  })

  /** Every write restarts the silence that a heartbeat ends. */
  const wrote = () => {
    clearTimeout(heartbeat)
    if (writer.ended) return
    heartbeat = setTimeout(() => {
      writer.comment('ping')
      wrote()
    }, heartbeatMs)
  }

  const deliver = (event: SyncEvent) => {
    if (writer.ended) return
    writer.event(event.event, event.id, event.data)
    lastId = event.id
    if (event.event === 'account.deleted') return writer.close() // the last event of the stream
    wrote()
  }

  /** An ending event carries the stream's position, so resuming after it loses nothing. */
  const endWith = (
    name: Extract<SyncEventName, 'session.revoked' | 'token.expired'>,
    data: SyncSessionRevokedData | SyncTokenExpiredData,
  ) => {
    if (writer.ended) return
    writer.event(name, lastId, data)
    writer.close()
  }

  const revoked = (reason: RevocationReason) => {
    if (writer.ended) return
    if (!live) {
      pendingRevocation ??= reason
      return
    }
    if (reason !== 'account_deleted') return endWith('session.revoked', { reason })
    // The feed's account.deleted is on its way; it ends the stream when it comes.
    accountDeletedWait ??= setTimeout(() => endWith('session.revoked', { reason: 'revoked' }), ACCOUNT_DELETED_WAIT_MS)
  }

  const armExpiry = () => {
    const left = request.expiresAt.getTime() - Date.now()
    if (left <= 0) return endWith('token.expired', { expires_at: request.expiresAt.toISOString() })
    expiry = setTimeout(armExpiry, Math.min(left, MAX_TIMER_MS))
  }

  const handle: StreamHandle = {
    userId: request.userId,
    sessionId: request.sessionId,
    revoked,
    shutDown: () => writer.close(),
  }
  release = deps.registry.admit(handle) // throws 429/503: nothing else was taken yet
  try {
    opened = await deps.feed.open(request.userId, request.lastEventId, (event) => {
      if (live) deliver(event)
      else early.push(event)
    })
  } catch (err) {
    writer.close()
    if (err instanceof FeedUnavailableError)
      throw serviceUnavailable('The database cannot be reached; try again shortly')
    throw err
  }
  if (writer.ended) {
    opened.close() // shut down while the feed opened
    return writer.body
  }

  writer.retry(deps.retryMs)
  writer.event('ready', opened.readyId, {
    user_id: request.userId,
    heartbeat_seconds: deps.heartbeatSeconds,
    expires_at: request.expiresAt.toISOString(),
  })
  lastId = opened.readyId
  for (const event of opened.backlog) deliver(event)
  for (const event of early.splice(0)) deliver(event)
  live = true
  wrote()
  armExpiry()
  // Revoked after the credential was checked, before the slot could hear of it.
  const reason = pendingRevocation ?? deps.revocations.reasonFor(request.sessionId)
  if (reason) revoked(reason)
  return writer.body
}

/**
 * The streams open on this instance: their slots (API.md "Live sync": SYNC_MAX_STREAMS_PER_USER
 * per user, 429 beyond; SYNC_MAX_STREAMS in all, 503 beyond), the revocations that end them, and
 * shutdown, which closes them all. A stream takes its slot after authentication, so refused
 * requests never count, and gives it back the moment it ends (stream.ts), well inside the
 * contract's second.
 */
import { HttpError } from '../http/problem.js'
import type { Revocations } from '../identity/revocation.js'
import type { RevocationReason } from '../identity/revocation-reason.js'

/** A user at their limit has that many streams open already: a tab or device must close first. */
export const USER_LIMIT_RETRY_AFTER_SECONDS = 10
/** A full instance: a retry may reach another one behind the balancer, or a freed slot here. */
export const INSTANCE_LIMIT_RETRY_AFTER_SECONDS = 5

/** What the registry needs of an open stream. */
export type StreamHandle = {
  userId: string
  sessionId: string
  /** The stream's session was revoked (here or on another instance). */
  revoked(reason: RevocationReason): void
  /** The instance is shutting down: end without an event (clients resume elsewhere). */
  shutDown(): void
}

export type StreamRegistry = {
  /** Takes a slot for `stream`, or throws 429/503. Returns the release, which is idempotent. */
  admit(stream: StreamHandle): () => void
  /** Ends every open stream without an event (server.ts, on SIGTERM). */
  closeAll(): void
  /** Open streams on this instance, in all or for one user. */
  size(userId?: string): number
  /** Stops listening for revocations. */
  close(): void
}

export function createStreamRegistry(options: {
  maxStreamsPerUser: number
  maxStreams: number
  revocations: Revocations
}): StreamRegistry {
  const open = new Set<StreamHandle>()
  const perUser = new Map<string, number>()
  const bySession = new Map<string, Set<StreamHandle>>()

  const stopListening = options.revocations.onRevoked((sessionId, reason) => {
    const streams = bySession.get(sessionId)
    if (!streams) return
    for (const stream of [...streams]) stream.revoked(reason)
  })

  return {
    admit(stream) {
      const ofUser = perUser.get(stream.userId) ?? 0
      if (ofUser >= options.maxStreamsPerUser) {
        throw new HttpError(429, 'Too Many Requests', {
          detail: `At most ${options.maxStreamsPerUser} live-sync streams per user on this server; close one first`,
          headers: { 'Retry-After': String(USER_LIMIT_RETRY_AFTER_SECONDS) },
        })
      }
      if (open.size >= options.maxStreams) {
        throw new HttpError(503, 'Service Unavailable', {
          detail: 'This server holds as many live-sync streams as it can; try again shortly',
          headers: { 'Retry-After': String(INSTANCE_LIMIT_RETRY_AFTER_SECONDS) },
        })
      }
      open.add(stream)
      perUser.set(stream.userId, ofUser + 1)
      let ofSession = bySession.get(stream.sessionId)
      if (!ofSession) {
        ofSession = new Set()
        bySession.set(stream.sessionId, ofSession)
      }
      ofSession.add(stream)

      let released = false
      return () => {
        if (released) return
        released = true
        open.delete(stream)
        const left = (perUser.get(stream.userId) ?? 1) - 1
        if (left > 0) perUser.set(stream.userId, left)
        else perUser.delete(stream.userId)
        const streams = bySession.get(stream.sessionId)
        streams?.delete(stream)
        if (streams?.size === 0) bySession.delete(stream.sessionId)
      }
    },

    closeAll() {
      for (const stream of [...open]) stream.shutDown()
    },

    size(userId) {
      return userId === undefined ? open.size : (perUser.get(userId) ?? 0)
    },

    close() {
      stopListening()
    },
  }
}

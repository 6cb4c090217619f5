/**
 * The live-sync client wired to the browser: same-origin EventSource with the session cookie
 * (ADR 017: page scripts hold no session token, and EventSource cannot send one anyway), Web
 * Locks, BroadcastChannel, and `/api/auth/token` as the check of whether the session lives.
 */
import { setAccessToken } from '../api'
import {
  createLiveSync,
  type LiveSync,
  type LiveSyncHandlers,
  type StreamProbe,
  syncChannelName,
  type TokenCheck,
} from './client'
import type { EndReason } from './events'

/** The stream of `userId`, resuming after `lastEventId` (a new EventSource cannot send Last-Event-ID). */
export function streamUrl(userId: string, lastEventId: string | null): string {
  const path = `/api/${encodeURIComponent(userId)}/events/stream`
  return lastEventId ? `${path}?last_event_id=${encodeURIComponent(lastEventId)}` : path
}

/** One renewal of the access token from the cookie; its answer says whether the session still lives. */
async function checkToken(): Promise<TokenCheck> {
  try {
    const res = await fetch('/api/auth/token', { credentials: 'same-origin', cache: 'no-store' })
    if (res.status === 401) {
      setAccessToken(null)
      return 'unauthorized'
    }
    if (!res.ok) return 'unavailable'
    setAccessToken(((await res.json()) as { token: string }).token)
    return 'ok'
  } catch {
    return 'unavailable'
  }
}

/**
 * What the stream answers now, for the Retry-After that EventSource hides: the status and headers
 * are read, then the request is abandoned (a 200's stream is closed at once).
 */
async function probe(url: string): Promise<StreamProbe> {
  const controller = new AbortController()
  try {
    const res = await fetch(url, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    })
    const seconds = Number(res.headers.get('retry-after'))
    return { status: res.status, retryAfterSeconds: Number.isFinite(seconds) && seconds >= 0 ? seconds : null }
  } catch {
    return null
  } finally {
    controller.abort()
  }
}

let active: LiveSync | null = null

export function startLiveSync(userId: string, handlers: LiveSyncHandlers): LiveSync {
  const name = syncChannelName(userId)
  const shared = typeof BroadcastChannel !== 'undefined' && typeof navigator !== 'undefined' && navigator.locks
  const sync = createLiveSync(
    name,
    {
      streamUrl: (lastEventId) => streamUrl(userId, lastEventId),
      openEventSource: (url) => new EventSource(url, { withCredentials: true }),
      locks: shared ? navigator.locks : undefined,
      channel: shared ? new BroadcastChannel(name) : undefined,
      checkToken,
      probe,
    },
    handlers,
  )
  active = sync
  return {
    stop() {
      if (active === sync) active = null
      sync.stop()
    },
    announceEnd: sync.announceEnd,
  }
}

/** This tab ended the session (signed out, deleted the account): every other tab of the browser follows at once. */
export function announceSessionEnd(reason: EndReason): void {
  active?.announceEnd(reason)
}

/**
 * One live-sync stream per browser, shared by its tabs (API.md "The web app"): the tab holding a
 * Web Lock opens the EventSource and relays every event over a BroadcastChannel; the others
 * listen. When the leader's tab closes, the lock passes to another tab, which resumes from the
 * last id it saw (`?last_event_id=`), so nothing is lost. Without Web Locks or BroadcastChannel
 * each tab simply has its own stream.
 *
 * Everything the browser provides is passed in, so tests drive it with fakes and fake timers.
 */
import { type EndReason, EVENT_NAMES, parseSyncEvent, type SyncEvent, type TaskSyncEvent } from './events'

/** The parts of EventSource used here. */
export type EventSourceLike = {
  readonly readyState: number
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void
  onerror: ((event: Event) => void) | null
  close(): void
}

/** The parts of BroadcastChannel used here. */
export type ChannelLike = {
  postMessage(message: RelayMessage): void
  onmessage: ((event: MessageEvent<RelayMessage>) => void) | null
  close(): void
}

/** The part of navigator.locks used here. */
export type LocksLike = {
  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>
}

/** What the leader tells the other tabs. */
export type RelayMessage =
  | { kind: 'event'; id: string | null; event: TaskSyncEvent }
  /** The position after an event that is not relayed (`ready`): the id a new leader resumes from. */
  | { kind: 'position'; id: string }
  | { kind: 'end'; reason: EndReason }
  | { kind: 'reconnecting'; value: boolean }

/** `/api/auth/token` answered: renewed, 401 (the session is gone), or anything else (offline, 5xx). */
export type TokenCheck = 'ok' | 'unauthorized' | 'unavailable'

/** A stream request's status and Retry-After (seconds), read by a plain fetch after EventSource gave up. */
export type StreamProbe = { status: number; retryAfterSeconds: number | null } | null

export type LiveSyncDeps = {
  /** The stream's URL, resuming after `lastEventId` when there is one. */
  streamUrl(lastEventId: string | null): string
  openEventSource(url: string): EventSourceLike
  /** Absent: this tab is its own leader. */
  locks?: LocksLike | undefined
  channel?: ChannelLike | undefined
  checkToken(): Promise<TokenCheck>
  probe(url: string): Promise<StreamProbe>
  random?: () => number
  setTimeout?: (callback: () => void, ms: number) => unknown
  clearTimeout?: (handle: unknown) => void
}

export type LiveSyncHandlers = {
  onEvent(event: TaskSyncEvent): void
  /** The session ended (every tab hears it once); the stream is closed for good. */
  onEnd(reason: EndReason): void
  /** True once the stream has been down for OFFLINE_NOTICE_MS, false when it is back. */
  onReconnecting(reconnecting: boolean): void
}

export type LiveSync = {
  /** Closes this tab's part: its stream (the lock passes on) and its channel. */
  stop(): void
  /** This tab ended the session itself (signed out, deleted the account): the other tabs follow. */
  announceEnd(reason: EndReason): void
}

/** The API's default `retry:`; EventSource does not expose the one it sent. */
export const RETRY_MS = 2000
/** Longest wait between attempts while the API is unreachable. */
export const MAX_BACKOFF_MS = 30_000
/** "Reconnecting…" only after this long: a blip or a deploy's restart is not worth a word. */
export const OFFLINE_NOTICE_MS = 5000

const CLOSED = 2

/** The lock and channel name: one stream per user per browser. */
export const syncChannelName = (userId: string) => `taskwell-live-sync:${userId}`

export function createLiveSync(lockName: string, deps: LiveSyncDeps, handlers: LiveSyncHandlers): LiveSync {
  const random = deps.random ?? Math.random
  const setTimer = deps.setTimeout ?? ((callback, ms) => globalThis.setTimeout(callback, ms))
  const clearTimer = deps.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle as number))
  const { channel } = deps

  let lastId: string | null = null
  let stopped = false
  let ended = false
  let leading = false
  let source: EventSourceLike | null = null
  let retryTimer: unknown = null
  let offlineTimer: unknown = null
  let reconnecting = false
  /** Failed attempts since the last `ready`: the backoff doubles with each. */
  let failures = 0
  let releaseLock: (() => void) | null = null
  const lockRequest = new AbortController()

  const relay = (message: RelayMessage) => {
    if (leading) channel?.postMessage(message)
  }

  function setReconnecting(value: boolean) {
    if (reconnecting === value) return
    reconnecting = value
    relay({ kind: 'reconnecting', value })
    handlers.onReconnecting(value)
  }

  function offline() {
    if (offlineTimer !== null || reconnecting) return
    offlineTimer = setTimer(() => {
      offlineTimer = null
      if (!stopped && !ended) setReconnecting(true)
    }, OFFLINE_NOTICE_MS)
  }

  function online() {
    if (offlineTimer !== null) clearTimer(offlineTimer)
    offlineTimer = null
    setReconnecting(false)
  }

  function closeSource() {
    if (!source) return
    source.onerror = null
    source.close()
    source = null
  }

  function shutDown() {
    closeSource()
    if (retryTimer !== null) clearTimer(retryTimer)
    if (offlineTimer !== null) clearTimer(offlineTimer)
    retryTimer = offlineTimer = null
    releaseLock?.()
    releaseLock = null
  }

  function end(reason: EndReason, tellOthers: boolean) {
    if (ended || stopped) return
    if (tellOthers) relay({ kind: 'end', reason })
    ended = true
    shutDown()
    if (reconnecting) handlers.onReconnecting(false)
    handlers.onEnd(reason)
  }

  /** The wait before the next attempt: the server's retry, doubled per failure, plus up to as much again. */
  function backoff(): number {
    const base = Math.min(RETRY_MS * 2 ** Math.min(Math.max(failures - 1, 0), 4), MAX_BACKOFF_MS)
    return base + random() * base
  }

  function retryIn(ms: number) {
    if (stopped || ended) return
    if (retryTimer !== null) clearTimer(retryTimer)
    retryTimer = setTimer(() => {
      retryTimer = null
      connect()
    }, ms)
  }

  function connect() {
    if (stopped || ended || source) return
    offline() // until `ready` says otherwise
    const opened = deps.openEventSource(deps.streamUrl(lastId))
    source = opened
    for (const name of EVENT_NAMES) {
      opened.addEventListener(name, (message) => {
        if (source === opened) receive(name, message)
      })
    }
    // We reconnect ourselves rather than let EventSource: with jitter, and with a check of the
    // session when the browser has given up on the stream (a 401, 429 or 503 closes it for good).
    opened.onerror = () => {
      if (source !== opened) return
      const gaveUp = opened.readyState === CLOSED
      failures += 1
      closeSource()
      offline()
      if (gaveUp) void checkThenRetry()
      else retryIn(backoff())
    }
  }

  function receive(name: string, message: MessageEvent<string>) {
    if (message.lastEventId) lastId = message.lastEventId
    const event = parseSyncEvent(name, message.data)
    if (!event) return
    switch (event.type) {
      case 'ready':
        failures = 0
        online()
        if (lastId) relay({ kind: 'position', id: lastId })
        return
      case 'end':
        return end(event.reason, true)
      case 'token.expired':
        closeSource()
        void checkThenRetry()
        return
      default:
        relay({ kind: 'event', id: lastId, event })
        handlers.onEvent(event)
    }
  }

  /** One `/api/auth/token` check: a 401 ends the session; otherwise wait as the API asks (Retry-After), then resume. */
  async function checkThenRetry() {
    const token = await deps.checkToken()
    if (stopped || ended) return
    if (token === 'unauthorized') return end('expired', true)
    if (token === 'unavailable') return retryIn(backoff())
    const probe = await deps.probe(deps.streamUrl(lastId))
    if (stopped || ended) return
    if (probe && (probe.status === 429 || probe.status === 503) && probe.retryAfterSeconds !== null) {
      const wait = probe.retryAfterSeconds * 1000
      return retryIn(wait + random() * Math.max(RETRY_MS, wait / 2))
    }
    // An expired credential that renewed: resume at once; anything else after the usual wait.
    retryIn(failures <= 1 ? 0 : backoff())
  }

  function lead(): Promise<void> {
    leading = true
    connect()
    return new Promise((resolve) => {
      releaseLock = resolve
    })
  }

  if (channel) {
    channel.onmessage = ({ data }) => {
      if (stopped || ended) return
      // An end counts even for a tab that has just taken the lead: the session is over.
      if (data.kind === 'end') return end(data.reason, false)
      if (leading) return
      switch (data.kind) {
        case 'event':
          if (data.id) lastId = data.id
          return handlers.onEvent(data.event)
        case 'position':
          lastId = data.id
          return
        case 'reconnecting':
          reconnecting = data.value
          return handlers.onReconnecting(data.value)
      }
    }
  }

  if (deps.locks && channel) {
    deps.locks
      .request(lockName, { signal: lockRequest.signal }, () => (stopped || ended ? Promise.resolve() : lead()))
      .catch(() => {}) // aborted by stop() while waiting for the lock
  } else {
    void lead()
  }

  return {
    stop() {
      if (stopped) return
      stopped = true
      lockRequest.abort()
      shutDown()
      if (channel) {
        channel.onmessage = null
        channel.close()
      }
    },
    announceEnd(reason) {
      if (ended || stopped) return
      channel?.postMessage({ kind: 'end', reason })
      ended = true
      shutDown()
    },
  }
}

export type { EndReason, SyncEvent, TaskSyncEvent }

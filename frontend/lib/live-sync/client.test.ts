/**
 * The shared stream, driven with stand-ins for what the browser provides: one Web Lock and one
 * BroadcastChannel shared by "tabs" in this test, EventSources the test speaks for, and fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Task } from '../types'
import {
  type ChannelLike,
  createLiveSync,
  type EventSourceLike,
  type LiveSyncDeps,
  type LocksLike,
  OFFLINE_NOTICE_MS,
  type RelayMessage,
  type StreamProbe,
  type TokenCheck,
} from './client'
import type { EndReason, TaskSyncEvent } from './events'

class FakeEventSource implements EventSourceLike {
  readyState = 0
  onerror: ((event: Event) => void) | null = null
  closed = false
  private listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>()
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  close() {
    this.closed = true
    this.readyState = 2
  }
  emit(type: string, id: string, data: unknown) {
    this.readyState = 1
    const event = new MessageEvent<string>(type, { data: JSON.stringify(data), lastEventId: id })
    for (const listener of this.listeners.get(type) ?? []) listener(event)
  }
  /** The connection failed: the browser would retry (CONNECTING) or has given up (CLOSED: a 401, 429, 503…). */
  fail(gaveUp: boolean) {
    this.readyState = gaveUp ? 2 : 0
    this.onerror?.(new Event('error'))
  }
}

/** One lock manager for the whole "browser": the first request holds the lock until its promise settles. */
function fakeLocks(): LocksLike {
  const queue: { callback: () => Promise<void>; done: (value: unknown) => void; signal: AbortSignal }[] = []
  let held = false
  const grant = () => {
    if (held) return
    const next = queue.shift()
    if (!next) return
    held = true
    void next.callback().finally(() => {
      held = false
      next.done(undefined)
      grant()
    })
  }
  return {
    request(_name, { signal }, callback) {
      return new Promise((resolve, reject) => {
        const entry = { callback, done: resolve, signal }
        signal.addEventListener('abort', () => {
          const at = queue.indexOf(entry)
          if (at >= 0) {
            queue.splice(at, 1)
            reject(new DOMException('aborted', 'AbortError'))
          }
        })
        queue.push(entry)
        queueMicrotask(grant)
      })
    },
  }
}

/** BroadcastChannel semantics: a message reaches every other open channel of the name, later. */
function fakeHub() {
  const open = new Set<ChannelLike>()
  return () => {
    const channel: ChannelLike = {
      onmessage: null,
      postMessage(message: RelayMessage) {
        for (const other of open) {
          if (other !== channel) queueMicrotask(() => other.onmessage?.(new MessageEvent('message', { data: message })))
        }
      },
      close() {
        open.delete(channel)
      },
    }
    open.add(channel)
    return channel
  }
}

const task = (id: string, title = 'Buy milk'): Task => ({
  id,
  user_id: 'u1',
  title,
  description: '',
  completed: false,
  priority: 'medium',
  tags: [],
  due_at: null,
  completed_at: null,
  created_at: '2026-12-07T08:00:00.000Z',
  updated_at: '2026-12-07T08:00:00.000Z',
})

type Tab = {
  events: TaskSyncEvent[]
  ends: EndReason[]
  reconnecting: boolean[]
  sync: ReturnType<typeof createLiveSync>
}

let sources: FakeEventSource[]
let tokenAnswers: TokenCheck[]
let probeAnswer: StreamProbe
let tokenChecks: number

beforeEach(() => {
  vi.useFakeTimers()
  sources = []
  tokenAnswers = []
  probeAnswer = { status: 200, retryAfterSeconds: null }
  tokenChecks = 0
})
afterEach(() => vi.useRealTimers())

const flush = () => vi.advanceTimersByTimeAsync(0)
const latest = () => sources.at(-1) as FakeEventSource

function tab(shared?: { locks: LocksLike; channel: () => ChannelLike }, random = () => 0.5): Tab {
  const deps: LiveSyncDeps = {
    streamUrl: (id) => (id ? `/api/u1/events/stream?last_event_id=${id}` : '/api/u1/events/stream'),
    openEventSource: (url) => {
      const source = new FakeEventSource(url)
      sources.push(source)
      return source
    },
    locks: shared?.locks,
    channel: shared?.channel(),
    checkToken: async () => {
      tokenChecks += 1
      return tokenAnswers.shift() ?? 'ok'
    },
    probe: async () => probeAnswer,
    random,
  }
  const seen: Tab = { events: [], ends: [], reconnecting: [], sync: undefined as never }
  seen.sync = createLiveSync('taskwell-live-sync:u1', deps, {
    onEvent: (event) => seen.events.push(event),
    onEnd: (reason) => seen.ends.push(reason),
    onReconnecting: (value) => seen.reconnecting.push(value),
  })
  return seen
}

function browser() {
  return { locks: fakeLocks(), channel: fakeHub() }
}

describe('one stream per browser', () => {
  it('opens one EventSource for all tabs and relays its events to the others', async () => {
    const shared = browser()
    const first = tab(shared)
    const second = tab(shared)
    await flush()
    expect(sources.map((s) => s.url)).toEqual(['/api/u1/events/stream'])
    latest().emit('ready', '10', { user_id: 'u1', heartbeat_seconds: 15, expires_at: null })
    latest().emit('task.created', '11', { task: task('t1') })
    await flush()
    expect(first.events).toEqual([{ type: 'task.created', task: task('t1') }])
    expect(second.events).toEqual([{ type: 'task.created', task: task('t1') }])
  })

  it('when the leading tab closes, another takes over and resumes after the last id it saw', async () => {
    const shared = browser()
    const first = tab(shared)
    const second = tab(shared)
    await flush()
    latest().emit('ready', '10', {})
    latest().emit('task.deleted', '12', { id: 't1' })
    await flush()
    first.sync.stop()
    await flush()
    expect(sources[0]?.closed).toBe(true)
    expect(sources.map((s) => s.url)).toEqual(['/api/u1/events/stream', '/api/u1/events/stream?last_event_id=12'])
    latest().emit('ready', '12', {})
    latest().emit('task.deleted', '13', { id: 't2' })
    expect(second.events).toEqual([
      { type: 'task.deleted', id: 't1' },
      { type: 'task.deleted', id: 't2' },
    ])
  })

  it('a tab that takes over after a `ready` alone resumes from that position', async () => {
    const shared = browser()
    const first = tab(shared)
    tab(shared)
    await flush()
    latest().emit('ready', '40', {})
    await flush()
    first.sync.stop()
    await flush()
    expect(latest().url).toBe('/api/u1/events/stream?last_event_id=40')
  })

  it('without Web Locks or BroadcastChannel, each tab has its own stream', async () => {
    tab()
    tab()
    await flush()
    expect(sources).toHaveLength(2)
  })
})

describe('the end of the session', () => {
  it.each([
    ['signed_out', 'signed_out'],
    ['revoked', 'revoked'],
    ['password_changed', 'password_changed'],
    ['password_reset', 'password_reset'],
    ['something new', 'revoked'],
  ])('session.revoked (%s) ends every tab at once as %s, and nothing reconnects', async (reason, expected) => {
    const shared = browser()
    const first = tab(shared)
    const second = tab(shared)
    await flush()
    latest().emit('ready', '1', {})
    latest().emit('session.revoked', '2', { reason })
    await flush()
    expect(first.ends).toEqual([expected])
    expect(second.ends).toEqual([expected])
    expect(latest().closed).toBe(true)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sources).toHaveLength(1) // the follower did not take the lock to start again
  })

  it('account.deleted ends every tab as account_deleted', async () => {
    const shared = browser()
    const first = tab(shared)
    const second = tab(shared)
    await flush()
    latest().emit('account.deleted', '2', {})
    await flush()
    expect([first.ends, second.ends]).toEqual([['account_deleted'], ['account_deleted']])
  })

  it('a tab that signs out tells the others, which end without hearing the stream', async () => {
    const shared = browser()
    const first = tab(shared)
    const second = tab(shared)
    await flush()
    second.sync.announceEnd('local')
    await flush()
    expect(first.ends).toEqual(['local'])
    expect(second.ends).toEqual([]) // it is leaving by itself
  })

  it('token.expired: one token check, then the stream resumes at once where it was', async () => {
    tab()
    await flush()
    latest().emit('ready', '5', {})
    latest().emit('token.expired', '5', { expires_at: '2026-12-07T09:00:00Z' })
    await flush()
    expect(tokenChecks).toBe(1)
    expect(sources[0]?.closed).toBe(true)
    expect(latest().url).toBe('/api/u1/events/stream?last_event_id=5')
  })

  it('token.expired and a 401 from /api/auth/token: the session expired', async () => {
    const only = tab()
    await flush()
    tokenAnswers = ['unauthorized']
    latest().emit('token.expired', '5', {})
    await flush()
    expect(only.ends).toEqual(['expired'])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sources).toHaveLength(1)
  })

  it('an EventSource that closed itself and a 401 from /api/auth/token: the session expired', async () => {
    const shared = browser()
    const first = tab(shared)
    const second = tab(shared)
    await flush()
    tokenAnswers = ['unauthorized']
    latest().fail(true)
    await flush()
    expect(tokenChecks).toBe(1)
    expect([first.ends, second.ends]).toEqual([['expired'], ['expired']])
  })
})

describe('reconnecting', () => {
  it('after a dropped connection, waits the retry plus jitter, then doubles while it keeps failing', async () => {
    tab(undefined, () => 0.5) // jitter: half the wait again
    await flush()
    latest().emit('ready', '3', {})
    latest().fail(false)
    await vi.advanceTimersByTimeAsync(2999)
    expect(sources).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(sources).toHaveLength(2)
    expect(latest().url).toBe('/api/u1/events/stream?last_event_id=3')
    latest().fail(false) // no `ready` in between: the wait doubles
    await vi.advanceTimersByTimeAsync(5999)
    expect(sources).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(sources).toHaveLength(3)
  })

  it('after 429 or 503, waits Retry-After plus jitter', async () => {
    tab(undefined, () => 0.5)
    await flush()
    latest().emit('ready', '3', {})
    latest().fail(false)
    await vi.advanceTimersByTimeAsync(3000)
    probeAnswer = { status: 503, retryAfterSeconds: 30 }
    latest().fail(true) // the browser gave up: a status EventSource does not show
    await flush()
    expect(tokenChecks).toBe(1)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(sources).toHaveLength(2) // not yet: jitter on top
    await vi.advanceTimersByTimeAsync(7500)
    expect(sources).toHaveLength(3)
  })

  it('says "Reconnecting…" only after 5 s without the stream, in every tab, and stops saying it once back', async () => {
    const shared = browser()
    const first = tab(shared)
    const second = tab(shared)
    await flush()
    latest().emit('ready', '1', {})
    latest().fail(false)
    await vi.advanceTimersByTimeAsync(OFFLINE_NOTICE_MS - 1)
    expect(first.reconnecting).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(first.reconnecting).toEqual([true])
    expect(second.reconnecting).toEqual([true])
    await vi.advanceTimersByTimeAsync(10_000) // the retries have opened a new EventSource meanwhile
    latest().emit('ready', '1', {})
    await flush()
    expect(first.reconnecting).toEqual([true, false])
    expect(second.reconnecting).toEqual([true, false])
  })

  it('a blip shorter than 5 s says nothing', async () => {
    const only = tab(undefined, () => 0)
    await flush()
    latest().emit('ready', '1', {})
    latest().fail(false)
    await vi.advanceTimersByTimeAsync(2000)
    latest().emit('ready', '1', {})
    await vi.advanceTimersByTimeAsync(10_000)
    expect(only.reconnecting).toEqual([])
  })

  it('stop() closes the stream and cancels a pending retry', async () => {
    const only = tab()
    await flush()
    latest().fail(false)
    only.sync.stop()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sources).toHaveLength(1)
    expect(only.reconnecting).toEqual([])
  })
})

/**
 * A Server-Sent Events reader for the live-sync tests: opens GET /api/{user_id}/events/stream
 * with fetch and parses the body as EventSource would (WHATWG HTML §9.2.6: fields up to a blank
 * line, `:` comments, `retry:`), keeping every event and comment with the moment it arrived, so a
 * test can ask "what came next, and how soon".
 */
import assert from 'node:assert/strict'

export type SseEvent = {
  event: string
  id: string | undefined
  /** The `data:` lines, joined by line breaks, as EventSource would give them. */
  data: string
  /** How many `data:` lines it had (the contract: one). */
  dataLines: number
  /** performance.now() when its blank line arrived. */
  at: number
}

/** What arrived, in order: events, comments (`: ping`) and `retry:` fields. */
export type SseItem =
  | { kind: 'event'; event: SseEvent; at: number }
  | { kind: 'comment'; text: string; at: number }
  | { kind: 'retry'; ms: number; at: number }

export type SseStream = {
  response: Response
  /** performance.now() when the response headers arrived. */
  openedAt: number
  items: SseItem[]
  /** The events so far. */
  events(): SseEvent[]
  /** The next event not yet taken by `next` (comments and retry fields are skipped), within `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseEvent>
  /** Waits until an item matching `test` has arrived (any, not only after `next`'s position). */
  waitFor(test: (item: SseItem) => boolean, timeoutMs?: number, what?: string): Promise<SseItem>
  /** Resolves with performance.now() when the server ends the response (or the connection breaks). */
  ended: Promise<number>
  isEnded(): boolean
  /** How the body ended: 'end' (closed by the server), 'error' (cut), or undefined while open. */
  endedHow(): 'end' | 'error' | undefined
  /** The client leaves (aborts the request). */
  close(): void
}

export const parseData = <T = Record<string, unknown>>(event: SseEvent): T => JSON.parse(event.data) as T

export type OpenOptions = {
  headers?: Record<string, string>
  /** Fail unless the answer is 200 (default), or return whatever came. */
  expectOk?: boolean
  method?: 'GET' | 'HEAD'
}

/** Opens a stream at `url` (a full URL). With expectOk (default), asserts 200 and starts reading. */
export async function openSse(url: string, options: OpenOptions = {}): Promise<SseStream> {
  const controller = new AbortController()
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers: { accept: 'text/event-stream', ...options.headers },
    signal: controller.signal,
  })
  const openedAt = performance.now()
  if ((options.expectOk ?? true) && response.status !== 200) {
    assert.fail(`expected a stream (200), got ${response.status}: ${await response.text()}`)
  }
  const items: SseItem[] = []
  let taken = 0
  let endedHow: 'end' | 'error' | undefined
  const waiters = new Set<() => void>()
  const wake = () => {
    for (const waiter of [...waiters]) waiter()
  }

  const ended = (async () => {
    if (!response.body || response.status !== 200) {
      endedHow = 'end'
      return performance.now()
    }
    const decoder = new TextDecoder()
    let buffer = ''
    let fields: { event?: string; id?: string; data: string[] } = { data: [] }
    const line = (text: string) => {
      const at = performance.now()
      if (text === '') {
        if (fields.data.length > 0 || fields.event !== undefined) {
          items.push({
            kind: 'event',
            event: {
              event: fields.event ?? 'message',
              id: fields.id,
              data: fields.data.join('\n'),
              dataLines: fields.data.length,
              at,
            },
            at,
          })
        }
        fields = { data: [] }
        return
      }
      if (text.startsWith(':')) {
        items.push({ kind: 'comment', text: text.slice(1).trimStart(), at })
        return
      }
      const colon = text.indexOf(':')
      const name = colon < 0 ? text : text.slice(0, colon)
      let value = colon < 0 ? '' : text.slice(colon + 1)
      if (value.startsWith(' ')) value = value.slice(1)
      if (name === 'event') fields.event = value
      else if (name === 'id') fields.id = value
      else if (name === 'data') fields.data.push(value)
      else if (name === 'retry') items.push({ kind: 'retry', ms: Number(value), at })
    }
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        let at = buffer.search(/\r\n|\r|\n/)
        while (at >= 0) {
          const breakLength = buffer.startsWith('\r\n', at) ? 2 : 1
          line(buffer.slice(0, at))
          buffer = buffer.slice(at + breakLength)
          at = buffer.search(/\r\n|\r|\n/)
        }
        wake()
      }
      endedHow = 'end'
    } catch {
      endedHow = 'error'
    }
    wake()
    return performance.now()
  })()

  const waitFor: SseStream['waitFor'] = (test, timeoutMs = 5_000, what = 'an item') =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = items.find(test)
        if (found) return done(() => resolve(found))
        if (endedHow) return done(() => reject(new Error(`the stream ended before ${what}: ${describe(items)}`)))
      }
      const timer = setTimeout(
        () => done(() => reject(new Error(`no ${what} within ${timeoutMs} ms: ${describe(items)}`))),
        timeoutMs,
      )
      const done = (settle: () => void) => {
        clearTimeout(timer)
        waiters.delete(check)
        settle()
      }
      waiters.add(check)
      check()
    })

  const events = () => items.flatMap((item) => (item.kind === 'event' ? [item.event] : []))

  return {
    response,
    openedAt,
    items,
    events,
    async next(timeoutMs = 5_000) {
      const wanted = taken + 1
      await waitFor(() => events().length >= wanted, timeoutMs, `event #${wanted}`)
      const event = events()[taken] as SseEvent
      taken += 1
      return event
    },
    waitFor,
    ended,
    isEnded: () => endedHow !== undefined,
    endedHow: () => endedHow,
    close: () => controller.abort(),
  }
}

function describe(items: SseItem[]): string {
  const text = items
    .map((item) =>
      item.kind === 'event'
        ? `${item.event.event}#${item.event.id} ${item.event.data}`
        : item.kind === 'comment'
          ? `:${item.text}`
          : `retry ${item.ms}`,
    )
    .join(' | ')
  return text === '' ? '(nothing arrived)' : text
}

/** The stream URL of `userId` at `base`, with an optional query string. */
export const streamUrl = (base: string, userId: string, query = '') =>
  `${base}/api/${encodeURIComponent(userId)}/events/stream${query}`

/** Asserts the stream ends (by the server) within `ms` of now; returns when it did. */
export async function assertEndsWithin(stream: SseStream, ms: number, what: string): Promise<number> {
  const timeout = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(`${what}: the stream was still open after ${ms} ms`)), ms).unref()
  })
  return Promise.race([stream.ended, timeout])
}

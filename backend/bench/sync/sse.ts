/**
 * A lean Server-Sent Events client over node:http for the live-sync benchmark: thousands of
 * streams in one process must cost little, so each is one socket of a shared keep-alive agent and
 * a line parser that keeps nothing but the line in progress (fetch and EventSource keep far more).
 */
import { readFileSync } from 'node:fs'
import http from 'node:http'

/** One parsed event, with the moment (performance.now()) its blank line arrived. */
export type Event = { event: string; id: string | undefined; data: string; at: number }

export type Stream = {
  /** The response status, once headers came. */
  status: Promise<number>
  /** Resolves with performance.now() when the server ends the body, or the connection breaks. */
  ended: Promise<number>
  close(): void
}

/** Sockets without limit, kept alive: the benchmark's own client, not Node's default agent. */
export const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })

/**
 * Opens GET /api/{userId}/events/stream at `base` with a bearer token; `onEvent` gets every
 * event (comments and `retry:` are skipped). A non-200 answer is read and dropped.
 */
export function openStream(
  base: string,
  who: { userId: string; token: string },
  onEvent: (event: Event) => void,
): Stream {
  let resolveStatus: (status: number) => void = () => {}
  let resolveEnded: (at: number) => void = () => {}
  const status = new Promise<number>((resolve) => {
    resolveStatus = resolve
  })
  const ended = new Promise<number>((resolve) => {
    resolveEnded = resolve
  })
  const end = () => {
    resolveStatus(0)
    resolveEnded(performance.now())
  }
  const { hostname, port } = new URL(base)
  const req = http.request({
    agent,
    host: hostname,
    port,
    path: `/api/${encodeURIComponent(who.userId)}/events/stream`,
    headers: { accept: 'text/event-stream', authorization: `Bearer ${who.token}` },
  })
  req.on('response', (res) => {
    resolveStatus(res.statusCode ?? 0)
    res.on('end', end)
    res.on('error', end)
    res.on('close', end)
    if (res.statusCode !== 200) {
      res.resume()
      return
    }
    res.setEncoding('utf8')
    const parse = lineParser(onEvent)
    res.on('data', parse)
  })
  req.on('error', end)
  req.end()
  return { status, ended, close: () => req.destroy() }
}

/** WHATWG HTML §9.2.6, as much of it as Taskwell's streams use (one `data:` line per event). */
function lineParser(onEvent: (event: Event) => void) {
  let partial = ''
  let event: string | undefined
  let id: string | undefined
  let data: string | undefined
  return (chunk: string) => {
    const lines = (partial + chunk).split(/\r\n|\r|\n/)
    partial = lines.pop() ?? ''
    for (const line of lines) {
      if (line === '') {
        if (data !== undefined || event !== undefined) {
          onEvent({ event: event ?? 'message', id, data: data ?? '', at: performance.now() })
        }
        event = undefined
        id = undefined
        data = undefined
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const name = colon < 0 ? line : line.slice(0, colon)
      let value = colon < 0 ? '' : line.slice(colon + 1)
      if (value.startsWith(' ')) value = value.slice(1)
      if (name === 'event') event = value
      else if (name === 'id') id = value
      else if (name === 'data') data = data === undefined ? value : `${data}\n${value}`
    }
  }
}

/** This process's soft limit on open files (`ulimit -n`): each stream is one. */
export function fdLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'))
  return Number(line?.split(/\s+/)[3] ?? Number.NaN)
}

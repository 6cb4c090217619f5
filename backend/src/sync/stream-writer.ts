/**
 * The bytes of one Server-Sent Events response (WHATWG HTML §9.2): a ReadableStream that the
 * node adapter (@hono/node-server) writes to the socket chunk by chunk as it reads them, so each
 * event leaves as soon as it is written; nothing here buffers or compresses.
 *
 * The stream queues nothing ahead of its reader (a high-water mark of 0 bytes), so what sits in
 * its queue is what the client has not taken: the adapter stops reading while the socket cannot
 * take more. Past `maxUnsentBytes` the response is cut (API.md: "A client with more than 1 MiB
 * unsent is disconnected; it resumes with Last-Event-ID"), rather than memory growing for a
 * client that no longer reads.
 */

/** How a stream ended: closed by the server, gone (the client left), or cut for not reading. */
export type StreamEnd = 'closed' | 'gone' | 'overflow'

export type StreamWriter = {
  /** The response body. */
  readonly body: ReadableStream<Uint8Array>
  /** `retry: <ms>`: how long EventSource waits before reconnecting. */
  retry(ms: number): void
  /** One event: `event:`, `id:` and a single `data:` line of JSON. */
  event(name: string, id: string, data: unknown): void
  /** A comment line (`: ping`), which EventSource ignores. */
  comment(text: string): void
  /** Ends the response normally, after what was written. */
  close(): void
  /** Whether the stream has ended (any way). */
  readonly ended: boolean
  /** Bytes written and not yet taken by the client (what the adapter has not read). */
  unsentBytes(): number
}

const encoder = new TextEncoder()

export function createStreamWriter(options: {
  maxUnsentBytes: number
  /** Called once, when the stream ends for any reason. */
  onEnd: (how: StreamEnd) => void
}): StreamWriter {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let ended = false

  const end = (how: StreamEnd) => {
    if (ended) return false
    ended = true
    options.onEnd(how)
    return true
  }

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c
      },
      cancel() {
        end('gone') // the adapter cancels when the connection closes
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
  )

  const unsentBytes = () => (ended ? 0 : Math.max(0, -(controller.desiredSize ?? 0)))

  const write = (text: string) => {
    if (ended) return
    controller.enqueue(encoder.encode(text))
    if (unsentBytes() > options.maxUnsentBytes && end('overflow')) {
      // An error, not a close: the adapter destroys the socket instead of sending the backlog.
      controller.error(new Error('the client stopped reading'))
    }
  }

  return {
    body,
    retry: (ms) => write(`retry: ${ms}\n\n`),
    // JSON.stringify never writes a raw line break, so the data is one line.
    event: (name, id, data) => write(`event: ${name}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`),
    comment: (text) => write(`: ${text}\n\n`),
    close() {
      if (end('closed')) controller.close()
    },
    get ended() {
      return ended
    },
    unsentBytes,
  }
}

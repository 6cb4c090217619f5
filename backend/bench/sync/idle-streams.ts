/**
 * A process of its own that holds idle live-sync streams open, so the thousands of sockets cost
 * the benchmark's process nothing and the server's RSS is the server's alone. Driven over IPC by
 * holder.ts: `open` some streams (round-robin over the users, a few opening at a time) and answer
 * once each got `ready` or was refused; `close` them; `status` says how many the server ended.
 */
import { fdLimit, openStream, type Stream } from './sse.js'

export type Who = { userId: string; token: string }
export type Command =
  | { type: 'open'; base: string; users: Who[]; count: number; concurrency: number }
  | { type: 'close' }
  | { type: 'status' }
export type Reply =
  | { type: 'opened'; ready: number; refused: Record<string, number>; ms: number; rssMb: number }
  | { type: 'closed' }
  | { type: 'status'; open: number; endedByServer: number; events: number; fdLimit: number }

const streams = new Set<Stream>()
let endedByServer = 0
let events = 0
let closing = false

const send = (reply: Reply) => process.send?.(reply)

async function open(command: Extract<Command, { type: 'open' }>) {
  const started = performance.now()
  let ready = 0
  const refused: Record<string, number> = {}
  let next = 0
  const one = async () => {
    for (let k = next++; k < command.count; k = next++) {
      const who = command.users[k % command.users.length] as Who
      let gotReady: () => void = () => {}
      const readyOrEnd = new Promise<void>((resolve) => {
        gotReady = resolve
      })
      const stream = openStream(command.base, who, (event) => {
        events += 1
        if (event.event === 'ready') gotReady()
      })
      streams.add(stream)
      void stream.ended.then(() => {
        streams.delete(stream)
        if (!closing) endedByServer += 1
        gotReady()
      })
      const status = await stream.status
      if (status !== 200) refused[status] = (refused[status] ?? 0) + 1
      else await readyOrEnd
      if (status === 200 && streams.has(stream)) ready += 1
    }
  }
  await Promise.all(Array.from({ length: command.concurrency }, one))
  const rssMb = process.memoryUsage().rss / 2 ** 20
  send({ type: 'opened', ready, refused, ms: performance.now() - started, rssMb })
}

process.on('message', (command: Command) => {
  if (command.type === 'open') {
    closing = false
    void open(command)
  } else if (command.type === 'close') {
    closing = true
    const ended = [...streams].map((s) => s.ended)
    for (const stream of streams) stream.close()
    void Promise.all(ended).then(() => send({ type: 'closed' }))
  } else if (command.type === 'status') {
    send({ type: 'status', open: streams.size, endedByServer, events, fdLimit: fdLimit() })
  }
})
// Dies with the benchmark.
process.on('disconnect', () => process.exit(0))

/**
 * Latency from a write's response to its event: the writer's streams are open on instance A (the
 * one it writes to: same instance) and, on PostgreSQL, on instance B (another process on the same
 * database: the event crosses by NOTIFY). Writes are paced, alternating a create and a PATCH of the
 * task created before, each with a title of its own, by which its event is recognised. Times are
 * this process's performance.now(): when the response's body was read, when the event's blank
 * line arrived. An event may arrive before the response (then the latency is negative).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { ServerProcess } from '../../testkit/server-process.js'
import type { User } from './servers.js'
import { type Event, openStream } from './sse.js'

export type Latency = {
  where: string
  writes: number
  received: number
  /** Events that never came: a lost event is a defect (API.md: each reaches every open stream). */
  missing: number
  p50: number
  p99: number
  max: number
  /** How many arrived before their write's response did. */
  early: number
}

const TITLE = 'sync-bench write '
const WAIT_AFTER_MS = 3_000

export async function measureLatency(
  writeTo: ServerProcess,
  listenOn: { where: string; server: ServerProcess }[],
  writer: User,
  { writes, perSecond }: { writes: number; perSecond: number },
): Promise<Latency[]> {
  const arrivals = listenOn.map(() => new Map<string, number>())
  const streams = listenOn.map(({ server }, i) => {
    let ready: () => void = () => {}
    const isReady = new Promise<void>((resolve) => {
      ready = resolve
    })
    const stream = openStream(server.base, { userId: writer.userId, token: writer.sessionToken }, (event: Event) => {
      if (event.event === 'ready') return ready()
      if (event.event !== 'task.created' && event.event !== 'task.updated') return
      const title = (JSON.parse(event.data) as { task?: { title?: string } }).task?.title
      if (title?.startsWith(TITLE)) arrivals[i]?.set(title, event.at)
    })
    return { stream, isReady }
  })
  try {
    for (const { stream, isReady } of streams) {
      const status = await stream.status
      if (status !== 200) throw new Error(`the writer's stream answered ${status}`)
      await isReady
    }
    const responded = new Map<string, number>()
    let taskId = await write(writeTo, writer, 'POST', undefined, `${TITLE}seed`)
    const started = performance.now()
    for (let i = 0; i < writes; i++) {
      const due = started + (i * 1000) / perSecond
      const wait = due - performance.now()
      if (wait > 0) await sleep(wait)
      const title = `${TITLE}${i}`
      const created = await write(writeTo, writer, i % 2 === 0 ? 'POST' : 'PATCH', taskId, title)
      responded.set(title, performance.now())
      if (i % 2 === 0) taskId = created
    }
    await sleep(WAIT_AFTER_MS)
    return listenOn.map(({ where }, i) => summarise(where, responded, arrivals[i] as Map<string, number>))
  } finally {
    for (const { stream } of streams) stream.close()
  }
}

/** One write; returns the task's id. Throws unless the API says it was done. */
async function write(
  server: ServerProcess,
  who: User,
  method: 'POST' | 'PATCH',
  taskId: string | undefined,
  title: string,
): Promise<string> {
  const path = `/api/${who.userId}/tasks${method === 'PATCH' ? `/${taskId}` : ''}`
  const res = await fetch(server.base + path, {
    method,
    headers: { authorization: `Bearer ${who.sessionToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title }), // fetch keeps its connection alive: no set-up is timed
  })
  const body = (await res.json()) as { id?: string }
  if (res.status !== (method === 'POST' ? 201 : 200) || !body.id) {
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`)
  }
  return body.id
}

function summarise(where: string, responded: Map<string, number>, arrived: Map<string, number>): Latency {
  const deltas: number[] = []
  let missing = 0
  for (const [title, at] of responded) {
    const came = arrived.get(title)
    if (came === undefined) missing += 1
    else deltas.push(came - at)
  }
  deltas.sort((a, b) => a - b)
  const pick = (p: number) =>
    deltas[Math.min(deltas.length - 1, Math.ceil((p / 100) * deltas.length) - 1)] ?? Number.NaN
  const result = {
    where,
    writes: responded.size,
    received: deltas.length,
    missing,
    p50: pick(50),
    p99: pick(99),
    max: deltas.at(-1) ?? Number.NaN,
    early: deltas.filter((d) => d < 0).length,
  }
  console.log(
    `  ${where}: ${result.received}/${result.writes} events, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms, ${result.early} before the response, ${missing} missing`,
  )
  return result
}

/**
 * One account's flood, sent from a worker thread: with its own event loop the flood's client
 * sends as an outside attacker would, however long the server (on the main thread, and on
 * PGlite with its SQL) keeps the main event loop. Posts back every answer's status and code.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { parentPort, workerData } from 'node:worker_threads'

export type Flood = {
  url: string
  token: string
  /** A path, or one path per request (`{i}` is replaced by a number unique to each request). */
  method: 'GET' | 'POST'
  path: string
  body?: unknown
  loops: number
  ms: number
  /** Requests per loop at most. */
  max: number
}

export type FloodAnswer = { status: number; code?: string; retryAfter?: string }

const flood = workerData as Flood
const answers: FloodAnswer[] = []
const end = Date.now() + flood.ms
let n = 0

async function loop() {
  for (let i = 0; i < flood.max && Date.now() < end; i++) {
    const path = flood.path.replace('{i}', (n++).toString(16))
    try {
      const res = await fetch(flood.url + path, {
        method: flood.method,
        headers: {
          authorization: `Bearer ${flood.token}`,
          ...(flood.body ? { 'content-type': 'application/json' } : {}),
        },
        body: flood.body ? JSON.stringify(flood.body) : undefined,
      })
      const text = await res.text()
      const code = res.status >= 400 && text ? (JSON.parse(text) as { code?: string }).code : undefined
      answers.push({ status: res.status, code, retryAfter: res.headers.get('retry-after') ?? undefined })
    } catch (err) {
      answers.push({ status: 0, code: String((err as { cause?: unknown }).cause ?? err) })
      await sleep(10)
    }
  }
}

await Promise.all(Array.from({ length: flood.loops }, loop))
parentPort?.postMessage(answers)

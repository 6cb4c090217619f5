/**
 * Helpers of the abuse tests (decision 020): an account filled to a size in one statement, the
 * largest task the API accepts, timed requests and a flood from a worker thread.
 */
import assert from 'node:assert/strict'
import { Worker } from 'node:worker_threads'
import type { Database } from '../../src/db/client.js'
import { fillAccount as fillDb } from '../../testkit/full-account.js'
import { readProblem } from '../../testkit/problem.js'
import type { Flood, FloodAnswer } from './flood-worker.js'

export { LARGEST_TASK } from '../../testkit/full-account.js'

/** Fills an account in one statement (testkit/full-account.ts). */
export const fillAccount = (database: Database, userId: string, count: number) => fillDb(database.db, userId, count)

/** An answer and how long it took; status 0 when none came (`code` then says why). */
export type Timed = { status: number; ms: number; retryAfter: string | null; code: string | undefined }

/** Sends a request and times it until its body has arrived. */
export async function timed(send: () => Promise<Response>): Promise<Timed> {
  const started = performance.now()
  try {
    const res = await send()
    const text = await res.text()
    const ms = performance.now() - started
    let code: string | undefined
    if (res.status >= 400 && text) code = (JSON.parse(text) as { code?: string }).code
    return { status: res.status, ms, retryAfter: res.headers.get('retry-after'), code }
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    return {
      status: 0,
      ms: performance.now() - started,
      retryAfter: null,
      code: cause?.code ?? cause?.message ?? String(err),
    }
  }
}

/** The `q`-th quantile (0–1) of `values`, nearest rank. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN
}

/** A 429 as the contract wants it: a problem document with a whole number of seconds in Retry-After. */
export async function assertRateLimited(res: Response, code: string, maxSeconds: number) {
  assert.equal(res.status, 429, `expected 429, got ${res.status}`)
  const retryAfter = Number(res.headers.get('retry-after'))
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= maxSeconds,
    `Retry-After ${res.headers.get('retry-after')}`,
  )
  const problem = await readProblem(res)
  assert.equal(problem.status, 429)
  assert.equal(problem.code, code)
  assert.match(problem.detail ?? '', /try again/i)
  return retryAfter
}

/** Runs a flood (flood-worker.ts) on a worker thread; resolves to every answer it got. */
export function floodFromWorker(flood: Flood): Promise<FloodAnswer[]> {
  // A worker does not inherit the test's TypeScript loader: it registers tsx, then loads the flood.
  const file = new URL('./flood-worker.ts', import.meta.url).href
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file)}) })`
  const worker = new Worker(boot, { eval: true, workerData: flood })
  return new Promise((resolve, reject) => {
    worker.once('message', (answers: FloodAnswer[]) => resolve(answers))
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`flood worker exited with ${code}`))
    })
  })
}

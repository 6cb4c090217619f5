/**
 * What every scenario measures with: the numbers every result holds, violations kept to a
 * readable number, 5xx counts, reading acknowledged tasks back, and how long a sign-out takes to
 * reach another instance. A scenario never throws for a misbehaving server: it returns what it
 * measured and a list of `violations` (empty when the server behaved). It throws only when it
 * cannot run at all. Scenarios return numbers; report.ts puts them into words.
 */
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ServerProcess } from '../../testkit/server-process.js'
import { call, type Reply, RequestFailed, type Session, signin, tasksOn } from '../http-client.js'
import { now } from '../numbers.js'

/**
 * What every scenario measures. Each scenario's result adds its `kind` and the numbers behind
 * its line of the report; the words (title, recovery cell, summary) are report.ts's.
 */
export type Measured = {
  requests: number
  /** 2xx answers (201 for creates). */
  acknowledged: number
  /** Acknowledged creates that could not be read back; undefined where it does not apply. */
  lost: number | undefined
  /** 5xx answers by status. */
  serverErrors: Record<number, number>
  violations: string[]
  metrics: Record<string, number>
}

/** Which database a scenario's server ran on. */
export type DatabaseKind = 'pg' | 'pglite'

export type Log = (line: string) => void
export const quiet: Log = () => {}

/** Keeps at most this many violation lines per scenario (the count is kept exactly). */
export const MAX_VIOLATION_LINES = 20

export class Violations {
  readonly lines: string[] = []
  private extra = 0
  add(line: string) {
    if (this.lines.length < MAX_VIOLATION_LINES) this.lines.push(line)
    else this.extra++
  }
  list(): string[] {
    return this.extra ? [...this.lines, `... and ${this.extra} more`] : [...this.lines]
  }
}

export function countStatus(into: Record<number, number>, status: number) {
  if (status >= 500) into[status] = (into[status] ?? 0) + 1
}

/**
 * Reads every acknowledged task back by id; returns the ids not found (404) and any other
 * surprise (wrong title, odd status, no answer).
 */
export async function readBack(base: string, who: Session, tasks: Map<string, string>, concurrency = 8) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
  const ids = [...tasks.keys()]
  const missing: string[] = []
  const surprises: string[] = []
  let next = 0
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < ids.length) {
          const id = ids[next++] as string
          let res: Reply | undefined
          for (let attempt = 0; attempt < 3 && !res; attempt++) {
            try {
              res = await tasksOn(base, who).read(id, { agent, timeoutMs: 10_000 })
            } catch (err) {
              if (!(err instanceof RequestFailed) || attempt === 2) {
                surprises.push(`read-back of ${id}: ${(err as Error).message}`)
              }
            }
          }
          if (!res) continue
          if (res.status === 404) missing.push(id)
          else if (res.status !== 200) surprises.push(`read-back of ${id}: ${res.status}`)
          else if ((JSON.parse(res.text) as { title: string }).title !== tasks.get(id)) {
            surprises.push(`read-back of ${id}: title differs`)
          }
        }
      }),
    )
  } finally {
    agent.destroy()
  }
  return { missing, surprises }
}
/**
 * Signs in on `from`, checks `to` accepts the token, signs out on `from`, and returns how
 * long `to` kept accepting the token (ms), or a description of what went wrong.
 */
export async function revocationDelay(from: ServerProcess, to: ServerProcess, email: string): Promise<number | string> {
  const s = await signin(from.base, email)
  const me = () => call(to.base, 'GET', '/api/me', { token: s.token, timeoutMs: 2_000 })
  const before = await me()
  if (before.status !== 200) return `the new token got ${before.status} on ${to.name} before sign-out`
  const out = await call(from.base, 'POST', '/api/auth/signout', { token: s.token })
  if (out.status !== 204) return `sign-out answered ${out.status}`
  const signedOut = now()
  while (now() - signedOut < 10_000) {
    const res = await me().catch(() => undefined)
    if (res?.status === 401) return now() - signedOut
    if (res && res.status !== 200) return `unexpected ${res.status} while waiting`
    await sleep(25)
  }
  return 'still accepted 10 s after sign-out'
}

/**
 * The requests of the database-outage scenario, and the judgement of each: an answer always
 * comes, a 5xx is only ever a 503 with problem+json and Retry-After, nothing fails before the
 * outage, and every answer from the stop until shortly after the start comes fast.
 */
import { round } from '../numbers.js'
import type { Violations } from './measure.js'

export type OutageRecord = {
  server: string
  op: 'list' | 'create' | 'readyz' | 'me (session token)' | 'sign-in'
  start: number
  end: number
  /** 0 when no answer came. */
  status: number
  error?: string
  problemJson: boolean
  retryAfter: string | undefined
}

/** API.md: fail fast while the database is down. */
const FAIL_FAST_MS = 1_000
/** The server must be answering again this long after the database is back. */
export const RECOVERY_DEADLINE_MS = 5_000

/** When the database was asked to stop, was down, was asked to start, and accepted connections again. */
export type OutageTimes = { tStop: number; tDown: number; tStart: number; tUp: number }

/** Adds a violation for every request answered wrongly; returns the groups the report counts. */
export function judgeOutageRequests(records: OutageRecord[], times: OutageTimes, violations: Violations) {
  const { tStop, tDown, tStart, tUp } = times
  const traffic = records.filter((r) => r.op === 'list' || r.op === 'create')
  const window = records.filter((r) => r.start >= tStop && r.start <= tUp + RECOVERY_DEADLINE_MS)
  for (const r of records) {
    const what = `${r.op} on ${r.server} at +${round(r.start - tStop)} ms`
    if (r.status === 0) violations.add(`${what}: no answer (${r.error}) after ${round(r.end - r.start)} ms`)
    else if (r.status >= 500 && r.status !== 503) violations.add(`${what}: ${r.status}`)
    else if (r.status === 503 && (!r.problemJson || !r.retryAfter)) {
      violations.add(`${what}: 503 without ${r.problemJson ? 'Retry-After' : 'problem+json'}`)
    } else if (r.end < tStop && r.status >= 400) violations.add(`${what}: ${r.status} before the outage`)
  }
  for (const r of window) {
    if (r.end - r.start > FAIL_FAST_MS) violations.add(`${r.op} on ${r.server}: took ${round(r.end - r.start)} ms`)
  }
  for (const r of records) {
    if (r.op === 'me (session token)' || r.op === 'sign-in') {
      if (r.status !== 503) violations.add(`${r.op} during the outage: ${r.status}, expected 503`)
    }
  }
  const readyDown = records.filter((r) => r.op === 'readyz' && r.start >= tDown && r.end <= tStart)
  if (readyDown.length === 0) violations.add('/readyz was not polled while the database was down')
  for (const r of readyDown)
    if (r.status !== 503) violations.add(`/readyz said ${r.status} while the database was down`)
  return { traffic, window, readyDown }
}

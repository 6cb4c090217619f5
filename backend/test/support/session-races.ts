/**
 * Helpers for many sessions and for races: work a few at a time, how many sessions survive a
 * bulk revocation, and holding a table's inserts to time a race.
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Database } from '../../src/db/client.js'
import { REVOCATION_DEADLINE_MS } from './account.js'
import { type Credential, call } from './clients.js'
import type { SignedIn, TestApp } from './harness.js'

/**
 * Better Auth finds "all sessions of a user" 100 at a time by default: past that, a session is
 * deleted without its delete hook, so its access tokens were never revoked. This many other
 * sessions cross the line.
 */
export const OTHER_SESSIONS = 105
/** Sign-ins at once while making those sessions (each costs an argon2 hash). */
export const SIGNIN_CONCURRENCY = 4
/** Old-password sign-ins kept in flight around a password change or reset. */
export const RACING_SIGNINS = 4
export const RACE_TRIALS = 5
export const ANOTHER_PASSWORD = 'someone else chose this 55'

/** Runs `work` on every item, `concurrency` at a time, keeping the order of the results. */
export async function mapConcurrently<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return results
}

/** The task list as `credential` sees it: the route a leftover access token would be used on. */
export const listTasks = (t: TestApp, s: SignedIn, credential: Credential) =>
  call(t, 'GET', `/api/${s.user.id}/tasks`, { credential })

/**
 * Whether `credential` is refused (401) by the task API by `deadlineMs` after `since`, polling.
 * (GET /api/me would refuse a deleted user's token because the user is gone, revoked or not;
 * the task API does not look the user up, so only a revocation refuses it.)
 */
export async function refusedInTime(
  t: TestApp,
  s: SignedIn,
  credential: Credential,
  since: number,
  deadlineMs: number,
) {
  for (;;) {
    const res = await listTasks(t, s, credential)
    const text = await res.text()
    if (res.status === 401) return true
    assert.equal(res.status, 200, `unexpected ${res.status} while waiting for the revocation: ${text}`)
    if (performance.now() - since > deadlineMs) return false
    await sleep(50)
  }
}

/** The sessions among `sessions` whose access token (or session token) still works 1 s after `since`. */
export async function survivors(t: TestApp, sessions: SignedIn[], since: number): Promise<string[]> {
  const left: string[] = []
  await mapConcurrently([...sessions.entries()], 16, async ([i, s]) => {
    if (!(await refusedInTime(t, s, { bearer: s.token }, since, REVOCATION_DEADLINE_MS)))
      left.push(`#${i + 1} (access token)`)
    if (!(await refusedInTime(t, s, { bearer: s.session_token }, since, REVOCATION_DEADLINE_MS)))
      left.push(`#${i + 1} (session token)`)
  })
  return left.sort((a, b) => Number.parseInt(a.slice(1), 10) - Number.parseInt(b.slice(1), 10))
}

/** Holds every INSERT into `table` until released: a database that is slow to store a row there. */
export function holdInserts(database: Database, table: string) {
  type Queryable = { query: (...args: unknown[]) => Promise<unknown> }
  const target = (database.pglite ?? database.pool) as unknown as Queryable
  const original = target.query
  const pattern = new RegExp(`^\\s*insert\\s+into\\s+"?${table}"?[\\s(]`, 'i')
  let release = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  let reached = () => {}
  const reachedPromise = new Promise<void>((resolve) => {
    reached = resolve
  })
  target.query = async function heldQuery(this: unknown, ...args: unknown[]) {
    const [first] = args
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '')
    if (pattern.test(text)) {
      reached()
      await released
    }
    return original.apply(this, args)
  }
  return {
    /** Resolves once a held INSERT has been attempted. */
    reached: reachedPromise,
    release() {
      target.query = original
      release()
    },
  }
}

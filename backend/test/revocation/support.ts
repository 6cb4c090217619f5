/**
 * Helpers of the revocation tests (API.md "Revocation"): /api/me with each credential, the
 * checks of an accepted or refused session, and how long a revocation took to arrive.
 */

import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { assertUnauthorized } from '../../testkit/problem.js'
import { type SignedIn, STRONG_PASSWORD, sessionCookie } from '../support/harness.js'

export const PG_URL = process.env.TEST_DATABASE_URL
export const NEEDS_PG = PG_URL ? false : 'needs PostgreSQL: set TEST_DATABASE_URL'
/** API.md: every instance refuses a signed-out session's tokens within this long. */
export const REVOCATION_DEADLINE_MS = 1_000
export const POLL_MS = 50

export type Credentials = { token: string; session_token: string; cookie: string }

/** GET /api/me with one kind of credential. */
export function me(base: string, credential: { token?: string; cookie?: string }) {
  const headers: Record<string, string> = {}
  if (credential.token) headers.authorization = `Bearer ${credential.token}`
  if (credential.cookie) headers.cookie = credential.cookie
  return fetch(`${base}/api/me`, { headers })
}

export async function assertAccepted(res: Response, userId: string, what: string) {
  assert.equal(res.status, 200, `${what}: expected 200, got ${res.status}: ${await res.clone().text()}`)
  assert.equal(((await res.json()) as { user: { id: string } }).user.id, userId, what)
}

/** Every credential of one session is accepted (or refused) by the instance at `base`. */
export async function assertSession(base: string, s: Credentials, userId: string, accepted: boolean, what: string) {
  const checks: [string, { token?: string; cookie?: string }][] = [
    ['access token', { token: s.token }],
    ['session token', { token: s.session_token }],
    ['cookie', { cookie: s.cookie }],
  ]
  for (const [kind, credential] of checks) {
    const res = await me(base, credential)
    if (accepted) await assertAccepted(res, userId, `${what}: ${kind}`)
    else await assertUnauthorized(res, `${what}: ${kind}`)
  }
}

/** Signs in again as an existing user: a second session. */
export async function signIn(base: string, email: string): Promise<SignedIn> {
  const res = await fetch(`${base}/api/auth/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: STRONG_PASSWORD }),
  })
  assert.equal(res.status, 200, `sign-in: ${res.status} ${await res.clone().text()}`)
  const body = (await res.json()) as Omit<SignedIn, 'cookie' | 'password'>
  return { ...body, cookie: sessionCookie(res), password: STRONG_PASSWORD }
}

export function signOut(base: string, headers: Record<string, string>) {
  return fetch(`${base}/api/auth/signout`, { method: 'POST', headers })
}

/**
 * Polls `base` with `token` every 50 ms until it is refused; returns the milliseconds
 * from `since` to the refusal (or throws after twice the deadline).
 */
export async function msUntilRefused(base: string, token: string, since: number): Promise<number> {
  for (;;) {
    const res = await me(base, { token })
    const elapsed = performance.now() - since
    if (res.status === 401) return elapsed
    assert.equal(res.status, 200, `unexpected ${res.status} while waiting for the revocation`)
    await res.body?.cancel()
    if (elapsed > 2 * REVOCATION_DEADLINE_MS) assert.fail(`still accepted ${Math.round(elapsed)} ms after sign-out`)
    await sleep(POLL_MS)
  }
}

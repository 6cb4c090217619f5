/**
 * The checks the account tests repeat: statuses, 429s with Retry-After, sessions accepted or
 * refused with every credential, revocation within 1 s.
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { decodeJwt } from 'jose'
import { assertProblem, assertUnauthorized, type Problem } from '../../testkit/problem.js'
import { REVOCATION_DEADLINE_MS } from './account.js'
import { CREDENTIALS, me, type UserJson } from './clients.js'
import type { SignedIn, TestApp } from './harness.js'

/** A 429 problem document with a usable Retry-After no longer than the window. */
export async function expectLimited(res: Response, windowSeconds: number, what = ''): Promise<Problem> {
  assert.equal(res.status, 429, `${what}: expected 429, got ${res.status}: ${await res.clone().text()}`)
  const retryAfter = res.headers.get('retry-after') ?? ''
  assert.match(retryAfter, /^\d+$/, `${what}: Retry-After must be whole seconds, got "${retryAfter}"`)
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= windowSeconds, `${what}: Retry-After ${retryAfter}`)
  return assertProblem(res, 429, { what })
}

export async function expectStatus(res: Response, status: number, what = ''): Promise<void> {
  const text = await res.text()
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status}: ${text.slice(0, 500)}`)
}

/** Every credential of `s` is accepted as `userId` (or refused with a 401), now. */
export async function assertSession(t: TestApp, s: SignedIn, accepted: boolean, what: string): Promise<void> {
  for (const [kind, credentialOf] of Object.entries(CREDENTIALS)) {
    const res = await me(t, credentialOf(s))
    if (accepted) {
      assert.equal(res.status, 200, `${what}: ${kind} refused: ${res.status} ${await res.clone().text()}`)
      assert.equal(((await res.json()) as { user: UserJson }).user.id, s.user.id, `${what}: ${kind}`)
    } else {
      await assertUnauthorized(res, `${what}: ${kind}`)
    }
  }
}

/**
 * Polls GET /api/me with `token` until it is refused; returns the milliseconds since `since`.
 * Fails once twice the revocation deadline has passed.
 */
export async function msUntilRefused(t: TestApp, token: string, since: number): Promise<number> {
  for (;;) {
    const res = await me(t, { bearer: token })
    const elapsed = performance.now() - since
    if (res.status === 401) return elapsed
    assert.equal(res.status, 200, `unexpected ${res.status} while waiting for the revocation`)
    await res.body?.cancel()
    if (elapsed > 2 * REVOCATION_DEADLINE_MS) assert.fail(`still accepted ${Math.round(elapsed)} ms later`)
    await sleep(50)
  }
}

/** The access token of `s` is refused within the revocation deadline of `since`. */
export async function assertRevokedInTime(t: TestApp, s: SignedIn, since: number, what: string): Promise<void> {
  const elapsed = await msUntilRefused(t, s.token, since)
  assert.ok(elapsed < REVOCATION_DEADLINE_MS, `${what}: access token refused only after ${Math.round(elapsed)} ms`)
  await assertSession(t, s, false, what)
}

/** The session id (`sid`) an access token carries. */
export function sessionIdOf(s: SignedIn): string {
  const sid = decodeJwt(s.token).sid
  assert.equal(typeof sid, 'string', 'the access token carries a sid')
  return sid as string
}

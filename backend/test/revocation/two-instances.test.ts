/**
 * Sign-out across two instances in one process on PostgreSQL (LISTEN/NOTIFY): refused within 1 s.
 */

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { decodeJwt } from 'jose'
import { assertUnauthorized } from '../../testkit/problem.js'
import { closeDatabases, type SignedIn, STRONG_PASSWORD, startTestApp, type TestApp } from '../support/harness.js'
import {
  assertAccepted,
  assertSession,
  me,
  msUntilRefused,
  NEEDS_PG,
  REVOCATION_DEADLINE_MS,
  signIn,
  signOut,
} from './support.js'

after(closeDatabases)

describe('sign-out across two instances in one process (PostgreSQL)', { skip: NEEDS_PG }, () => {
  let a: TestApp
  let b: TestApp
  before(async () => {
    a = await startTestApp('pg')
    // Same issuer and audience as A, so each instance accepts the other's tokens.
    b = await startTestApp('pg', { PUBLIC_URL: a.config.publicUrl })
  })
  after(async () => {
    await a?.close()
    await b?.close()
  })

  it('B signs out, A refuses the access token within 1 s; a later instance refuses it too', async (ctx) => {
    const s = await a.signup()
    const other = await signIn(a.url, s.user.email)
    await assertAccepted(await me(a.url, { token: s.token }), s.user.id, 'A, before sign-out')
    await assertAccepted(await me(b.url, { token: s.token }), s.user.id, 'B, before sign-out')

    const out = await signOut(b.url, { authorization: `Bearer ${s.token}` })
    const signedOutAt = performance.now()
    assert.equal(out.status, 204)
    await assertUnauthorized(await me(b.url, { token: s.token }), 'B, right after its own sign-out')
    const elapsed = await msUntilRefused(a.url, s.token, signedOutAt)
    ctx.diagnostic(`A refused the token ${Math.round(elapsed)} ms after the sign-out on B`)
    assert.ok(elapsed < REVOCATION_DEADLINE_MS, `A refused the token after ${Math.round(elapsed)} ms`)
    await assertSession(a.url, s, s.user.id, false, 'A, after sign-out on B')
    await assertSession(a.url, other, s.user.id, true, 'A, the other session')

    const later = await startTestApp('pg', { PUBLIC_URL: a.config.publicUrl })
    try {
      await assertUnauthorized(await me(later.url, { token: s.token }), 'an instance started after the sign-out')
      await assertAccepted(await me(later.url, { token: other.token }), s.user.id, 'later instance, other session')
    } finally {
      await later.close()
    }
  })
  // Decision 009: the account routes end sessions "as in Revocation", so on every instance.
  for (const [what, act] of [
    [
      'a password change on B ends the other session on A within 1 s',
      (s: SignedIn) =>
        fetch(`${b.url}/api/me/password`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ current_password: STRONG_PASSWORD, new_password: 'a brand new passphrase 93' }),
        }),
    ],
    [
      'revoke-others on B ends the other session on A within 1 s',
      (s: SignedIn) =>
        fetch(`${b.url}/api/me/sessions/revoke-others`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.token}` },
        }),
    ],
    [
      'ending a session on B ends it on A within 1 s',
      (s: SignedIn, other: SignedIn) =>
        fetch(`${b.url}/api/me/sessions/${decodeJwt(other.token).sid}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${s.token}` },
        }),
    ],
  ] as const) {
    it(what, async (ctx) => {
      const s = await a.signup()
      const other = await signIn(a.url, s.user.email)
      await assertAccepted(await me(a.url, { token: other.token }), s.user.id, 'A, before')
      const res = await act(s, other)
      const actedAt = performance.now()
      assert.ok(res.ok, `${res.status} ${await res.text()}`)
      const elapsed = await msUntilRefused(a.url, other.token, actedAt)
      ctx.diagnostic(`A refused the other session's token ${Math.round(elapsed)} ms later`)
      assert.ok(elapsed < REVOCATION_DEADLINE_MS, `A refused the token after ${Math.round(elapsed)} ms`)
      await assertSession(a.url, other, s.user.id, false, 'A, the ended session')
      await assertAccepted(await me(a.url, { token: s.token }), s.user.id, "A, the caller's session")
    })
  }

  it('an account deleted on B: A refuses its access tokens within 1 s', async (ctx) => {
    const s = await a.signup()
    const other = await signIn(a.url, s.user.email)
    const res = await fetch(`${b.url}/api/me`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ password: STRONG_PASSWORD }),
    })
    const deletedAt = performance.now()
    assert.equal(res.status, 204, await res.text())
    for (const token of [s.token, other.token]) {
      const elapsed = await msUntilRefused(a.url, token, deletedAt)
      ctx.diagnostic(`A refused a deleted account's token ${Math.round(elapsed)} ms later`)
      assert.ok(elapsed < REVOCATION_DEADLINE_MS, `A refused the token after ${Math.round(elapsed)} ms`)
    }
  })
})

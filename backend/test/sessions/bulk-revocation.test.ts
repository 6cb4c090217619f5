/**
 * Ending "all sessions" (revoke-others, a password change or reset, deleting the account)
 * reaches every session however many there are, within 1 s.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createTask, describeWithMailApp, NEW_PASSWORD, REVOCATION_DEADLINE_MS } from '../support/account.js'
import { call, freshClient, signInAs, signUpAs } from '../support/clients.js'
import { assertSession, expectStatus } from '../support/expectations.js'
import type { SignedIn } from '../support/harness.js'
import { confirmReset, mailedResetToken } from '../support/mailed-links.js'
import { mapConcurrently, OTHER_SESSIONS, SIGNIN_CONCURRENCY, survivors } from '../support/session-races.js'

// More sessions than the default cap (50) on purpose: the cap must not be what ends them here.
describeWithMailApp('bulk revocation reaches every session', { SESSIONS_MAX_PER_USER: '1000' }, (t, catcher) => {
  /** A user signed up as `first`, signed in `OTHER_SESSIONS` more times. */
  async function userWithManySessions(): Promise<{ first: SignedIn; others: SignedIn[] }> {
    const client = freshClient()
    const first = await signUpAs(t, client)
    await catcher.nextMessageTo(first.user.email)
    const others = await mapConcurrently(Array.from({ length: OTHER_SESSIONS }), SIGNIN_CONCURRENCY, () =>
      signInAs(t, client, first.user.email, first.password),
    )
    return { first, others }
  }

  async function assertAllRevoked(sessions: SignedIn[], since: number, what: string) {
    const left = await survivors(t, sessions, since)
    assert.deepEqual(
      left,
      [],
      `${what}: ${left.length} credential(s) of ${sessions.length} sessions still accepted ${REVOCATION_DEADLINE_MS} ms later: ${left.join(', ')}`,
    )
  }

  it(`revoke-others ends all ${OTHER_SESSIONS} other sessions: every access token refused within 1 s`, async () => {
    const { first, others } = await userWithManySessions()
    const res = await call(t, 'POST', '/api/me/sessions/revoke-others', { credential: { bearer: first.token } })
    assert.equal(res.status, 200, await res.clone().text())
    assert.deepEqual(await res.json(), { revoked: OTHER_SESSIONS })
    await assertAllRevoked(others, performance.now(), 'after revoke-others')
    await assertSession(t, first, true, 'the caller')
  })

  it(`PUT /api/me/password ends all ${OTHER_SESSIONS} other sessions: every access token refused within 1 s`, async () => {
    const { first, others } = await userWithManySessions()
    const res = await call(t, 'PUT', '/api/me/password', {
      credential: { bearer: first.token },
      body: { current_password: first.password, new_password: NEW_PASSWORD },
    })
    await expectStatus(res, 204, 'password change')
    await assertAllRevoked(others, performance.now(), 'after the password change')
    await assertSession(t, first, true, 'the caller')
  })

  it(`a password reset ends all ${OTHER_SESSIONS + 1} sessions: every access token refused within 1 s`, async () => {
    const { first, others } = await userWithManySessions()
    const token = await mailedResetToken(t, catcher, first.user.email)
    await expectStatus(await confirmReset(t, token, NEW_PASSWORD), 204, 'reset confirm')
    await assertAllRevoked([first, ...others], performance.now(), 'after the reset')
  })

  it(`DELETE /api/me ends all ${OTHER_SESSIONS + 1} sessions; a task written with any of their tokens, during or after the deletion, is never a 500`, async () => {
    const { first, others } = await userWithManySessions()
    // Task writes with the account's tokens keep coming while the account is deleted.
    let deleting = true
    const writes = new Map<number, number>()
    const writer = async (s: SignedIn) => {
      while (deleting) {
        const res = await call(t, 'POST', `/api/${s.user.id}/tasks`, {
          credential: { bearer: s.token },
          body: { title: 'written during the deletion' },
        })
        writes.set(res.status, (writes.get(res.status) ?? 0) + 1)
        await res.body?.cancel()
      }
    }
    await createTask(t, first)
    const writers = others.slice(-4).map(writer)
    await sleep(50)
    const res = await call(t, 'DELETE', '/api/me', {
      credential: { bearer: first.token },
      body: { password: first.password },
    })
    const deletedAt = performance.now()
    await sleep(100)
    deleting = false
    await Promise.all(writers)
    await expectStatus(res, 204, 'account deletion')
    const unexpected = [...writes.keys()].filter((status) => status !== 201 && status !== 401)
    assert.deepEqual(unexpected, [], `task writes during the deletion: ${JSON.stringify(Object.fromEntries(writes))}`)

    await assertAllRevoked([first, ...others], deletedAt, 'after the deletion')
    const statuses = new Map<number, number>()
    for (const s of [first, ...others]) {
      const write = await call(t, 'POST', `/api/${s.user.id}/tasks`, {
        credential: { bearer: s.token },
        body: { title: 'written after the deletion' },
      })
      statuses.set(write.status, (statuses.get(write.status) ?? 0) + 1)
      await write.body?.cancel()
    }
    assert.deepEqual(
      Object.fromEntries(statuses),
      { 401: OTHER_SESSIONS + 1 },
      'a task write with a deleted account’s access token is 401',
    )
  })
})

/**
 * API.md "Passkeys": GET /api/me/passkeys (newest first), PATCH /api/me/passkeys/{id}
 * `{ name }` (`passkey_renamed`), DELETE /api/me/passkeys/{id} (`passkey_removed`: it stops
 * signing in, nothing else is revoked). Another user's or an unknown id is 404; the last
 * passkey of an account without a password is 409.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { and, eq } from 'drizzle-orm'
import { account as accountTable } from '../../src/db/schema.js'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { BEHIND_PROXY } from '../support/account.js'
import { call } from '../support/clients.js'
import { assertSession } from '../support/expectations.js'
import { describeWithApp } from '../support/harness.js'
import {
  type Account,
  accountWithPasskey,
  assertNotRecognised,
  bearer,
  eventActions,
  listPasskeys,
  newAuthenticator,
  type PasskeyJson,
  register,
  signInWith,
} from './support.js'

describeWithApp('managing my passkeys', BEHIND_PROXY, (t) => {
  const rename = ({ s, client }: Account, id: string, body: unknown) =>
    call(t, 'PATCH', `/api/me/passkeys/${id}`, { credential: bearer(s), client, body })
  const remove = ({ s, client }: Account, id: string) =>
    call(t, 'DELETE', `/api/me/passkeys/${id}`, { credential: bearer(s), client })

  it('the list is newest first, only mine, no-store', async () => {
    const mine = await accountWithPasskey(t)
    const second = await register(t, mine, newAuthenticator(t), 'Second')
    const third = await register(t, mine, newAuthenticator(t), 'Third')
    await accountWithPasskey(t) // someone else's
    const res = await call(t, 'GET', '/api/me/passkeys', { credential: bearer(mine.s) })
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const items = ((await res.json()) as { items: PasskeyJson[] }).items
    assert.deepEqual(
      items.map((p) => p.id),
      [third.id, second.id, mine.passkey.id],
    )
  })

  it('without credentials: 401', async () => {
    await assertUnauthorized(await call(t, 'GET', '/api/me/passkeys'))
    await assertUnauthorized(await call(t, 'POST', '/api/me/passkeys/options', { body: { password: 'x' } }))
    await assertUnauthorized(await call(t, 'POST', '/api/me/passkeys', { body: { credential: {} } }))
  })

  it('rename: 200 with the passkey, trimmed, recorded as passkey_renamed', async () => {
    const mine = await accountWithPasskey(t)
    const res = await rename(mine, mine.passkey.id, { name: '  Phone  ' })
    assert.equal(res.status, 200, await res.clone().text())
    assert.deepEqual(await res.json(), { ...mine.passkey, name: 'Phone' })
    assert.equal((await listPasskeys(t, mine))[0]?.name, 'Phone')
    assert.equal((await eventActions(t, mine))[0], 'passkey_renamed')
  })

  it('rename: a blank, long or missing name, or another member, is 422', async () => {
    const mine = await accountWithPasskey(t)
    await assertProblem(await rename(mine, mine.passkey.id, { name: ' ' }), 422, { fields: ['name'] })
    await assertProblem(await rename(mine, mine.passkey.id, { name: 'x'.repeat(65) }), 422, { fields: ['name'] })
    await assertProblem(await rename(mine, mine.passkey.id, {}), 422, { fields: ['name'] })
    await assertProblem(await rename(mine, mine.passkey.id, { name: 'a', backed_up: true }), 422, {
      fields: ['backed_up'],
    })
    assert.equal(await rename(mine, mine.passkey.id, { name: 'x'.repeat(64) }).then((r) => r.status), 200)
  })

  it("another user's passkey, or an unknown id: 404 to rename and to delete, and it is untouched", async () => {
    const ann = await accountWithPasskey(t)
    const bob = await accountWithPasskey(t)
    for (const id of [ann.passkey.id, 'no-such-passkey']) {
      await assertProblem(await rename(bob, id, { name: 'Mine now' }), 404, { what: id })
      await assertProblem(await remove(bob, id), 404, { what: id })
    }
    assert.deepEqual(await listPasskeys(t, ann), [ann.passkey])
    assert.equal((await signInWith(t, ann.authenticator)).status, 200)
  })

  it('delete: 204, passkey_removed, it no longer signs in; sessions and other passkeys stay', async () => {
    const mine = await accountWithPasskey(t)
    const other = newAuthenticator(t)
    const kept = await register(t, mine, other)
    const signedIn = await signInWith(t, mine.authenticator)
    assert.equal(signedIn.status, 200)
    const passkeySession = (await signedIn.json()) as { token: string; session_token: string }

    assert.equal((await remove(mine, mine.passkey.id)).status, 204)
    assert.equal((await eventActions(t, mine))[0], 'passkey_removed')
    assert.deepEqual(
      (await listPasskeys(t, mine)).map((p) => p.id),
      [kept.id],
    )
    await assertNotRecognised(await signInWith(t, mine.authenticator), 'the removed passkey')
    assert.equal((await signInWith(t, other)).status, 200, 'the other passkey')
    await assertSession(t, mine.s, true, 'the session that removed it')
    const res = await call(t, 'GET', '/api/me', { credential: { bearer: passkeySession.token } })
    assert.equal(res.status, 200, 'the session the removed passkey began')
    await assertProblem(await remove(mine, mine.passkey.id), 404, { what: 'twice' })
  })

  it('the last passkey of an account without a password: 409, and it stays', async () => {
    const mine = await accountWithPasskey(t)
    const second = await register(t, mine, newAuthenticator(t))
    // No route makes a passwordless account yet: take the password away underneath.
    await t.services.database.db
      .update(accountTable)
      .set({ password: null })
      .where(and(eq(accountTable.userId, mine.s.user.id), eq(accountTable.providerId, 'credential')))
    assert.equal((await remove(mine, second.id)).status, 204, 'not the last one')
    await assertProblem(await remove(mine, mine.passkey.id), 409)
    assert.deepEqual(
      (await listPasskeys(t, mine)).map((p) => p.id),
      [mine.passkey.id],
    )
  })

  it('the last passkey of an account with a password can go', async () => {
    const mine = await accountWithPasskey(t)
    assert.equal((await remove(mine, mine.passkey.id)).status, 204)
    assert.deepEqual(await listPasskeys(t, mine), [])
  })
})

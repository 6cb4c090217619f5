/**
 * API.md "TOTP and recovery codes": deleting the account deletes its passkeys, and with them
 * its WebAuthn user handle and pending challenges; the passkey signs in no more.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { passkey, webauthnChallenge, webauthnUser } from '../../src/db/schema.js'
import { BEHIND_PROXY } from '../support/account.js'
import { call } from '../support/clients.js'
import { describeWithApp } from '../support/harness.js'
import { accountWithPasskey, assertNotRecognised, bearer, registrationOptions, signInWith } from './support.js'

describeWithApp('deleting an account with passkeys', BEHIND_PROXY, (t) => {
  async function stored(userId: string) {
    const db = t.services.database.db
    return {
      passkeys: await db.select().from(passkey).where(eq(passkey.userId, userId)),
      handles: await db.select().from(webauthnUser).where(eq(webauthnUser.userId, userId)),
      challenges: await db.select().from(webauthnChallenge).where(eq(webauthnChallenge.userId, userId)),
    }
  }

  it('deletes its passkeys, user handle and pending challenges; the passkey signs in no more', async () => {
    const account = await accountWithPasskey(t)
    await registrationOptions(t, account)
    const before = await stored(account.s.user.id)
    assert.deepEqual([before.passkeys.length, before.handles.length, before.challenges.length], [1, 1, 1])
    const res = await call(t, 'DELETE', '/api/me', {
      credential: bearer(account.s),
      body: { password: account.s.password },
    })
    assert.equal(res.status, 204, await res.clone().text())
    assert.deepEqual(await stored(account.s.user.id), { passkeys: [], handles: [], challenges: [] })
    await assertNotRecognised(await signInWith(t, account.authenticator))
  })

  it("leaves another user's passkeys alone", async () => {
    const ann = await accountWithPasskey(t)
    const bob = await accountWithPasskey(t)
    const res = await call(t, 'DELETE', '/api/me', { credential: bearer(ann.s), body: { password: ann.s.password } })
    assert.equal(res.status, 204)
    assert.equal((await stored(bob.s.user.id)).passkeys.length, 1)
    assert.equal((await signInWith(t, bob.authenticator)).status, 200)
  })
})

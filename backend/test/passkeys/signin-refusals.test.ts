/**
 * API.md "Passkeys", POST /api/auth/passkey/verify checked as WebAuthn §7.2 has it: an
 * assertion with any one thing wrong is the same 401 (`Passkey not recognised`,
 * `INVALID_PASSKEY`, `WWW-Authenticate: Bearer`), makes no session and no cookie, and uses its
 * challenge up, so nothing tells which check failed or which credential ids exist.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { webauthnChallenge } from '../../src/db/schema.js'
import { BEHIND_PROXY } from '../support/account.js'
import { freshClient } from '../support/clients.js'
import { describeWithApp } from '../support/harness.js'
import type { Forgery } from './authenticator.js'
import {
  accountWithPasskey,
  assertNotRecognised,
  newAccount,
  newAuthenticator,
  registrationOptions,
  signInWith,
  signinOptions,
  verify,
} from './support.js'

describeWithApp('refused passkey sign-ins', BEHIND_PROXY, (t) => {
  const forgeries: [string, Forgery][] = [
    ['type webauthn.create', { type: 'webauthn.create' }],
    ['another origin', { origin: 'https://evil.example' }],
    ['the right host on another port', { origin: 'http://localhost:1' }],
    ['another RP ID', { rpId: 'evil.example' }],
    ['user presence (UP) missing', { flags: { up: false } }],
    ['user verification (UV) missing', { flags: { uv: false } }],
    ['crossOrigin true', { crossOrigin: true }],
    ['crossOrigin true with a topOrigin', { crossOrigin: true, topOrigin: 'https://evil.example' }],
    ['a topOrigin on a same-origin call', { topOrigin: 'https://evil.example' }],
    ['backed up (BS) without backup eligible (BE)', { flags: { be: false, bs: true } }],
    ['backup eligible (BE) set though it was clear at registration', { flags: { be: true } }],
    ['a bad signature', { badSignature: true }],
    ['signed by another key', {}],
    ['no userHandle', { userHandle: null }],
    ['the userHandle of another user', {}],
    ['a challenge never issued', { challenge: 'bm90LWEtY2hhbGxlbmdlLW9mLW91cnMtYXQtYWxsLWZvcmdlZA' }],
    ['an unknown credential id', { jsonId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
  ]
  for (const [what, given] of forgeries) {
    it(`${what}: the one 401`, async () => {
      const { authenticator } = await accountWithPasskey(t)
      const forgery = { ...given }
      if (what === 'signed by another key') forgery.signingKey = authenticator.otherKey()
      if (what === 'the userHandle of another user') {
        forgery.userHandle = (await accountWithPasskey(t)).authenticator.userHandle
      }
      await assertNotRecognised(await signInWith(t, authenticator, forgery), what)
      // Nothing was wrong with the passkey itself: it still signs in.
      assert.equal((await signInWith(t, authenticator)).status, 200, `${what}: the passkey still works`)
    })
  }

  it('backup eligible (BE) cleared though it was set at registration: the one 401', async () => {
    const { authenticator } = await accountWithPasskey(t, { origin: '', backupEligible: true })
    await assertNotRecognised(await signInWith(t, authenticator, { flags: { be: false, bs: false } }))
  })

  it("another user's credential id with that user's key is theirs, not the caller's: the handle must match", async () => {
    const ann = await accountWithPasskey(t)
    const bob = await accountWithPasskey(t)
    const res = await signInWith(t, ann.authenticator, { userHandle: bob.authenticator.userHandle })
    await assertNotRecognised(res)
  })

  it('every refusal has the same body', async () => {
    const { authenticator } = await accountWithPasskey(t)
    const bodies = []
    for (const forgery of [{ badSignature: true }, { jsonId: 'AAAAAAAAAAAAAAAAAAAAAA' }, { flags: { uv: false } }]) {
      bodies.push(await assertNotRecognised(await signInWith(t, authenticator, forgery)))
    }
    const unknownChallenge = await verify(t, authenticator.assert({ challenge: 'AAAA', rpId: 'localhost' }))
    bodies.push(await assertNotRecognised(unknownChallenge))
    for (const body of bodies.slice(1)) assert.deepEqual(body, bodies[0])
  })

  it('a replayed assertion is refused: each challenge signs in once', async () => {
    const { authenticator } = await accountWithPasskey(t)
    const client = freshClient()
    const assertion = authenticator.assert(await signinOptions(t, client))
    assert.equal((await verify(t, assertion, client)).status, 200)
    await assertNotRecognised(await verify(t, assertion, client), 'replayed')
  })

  it('a refused assertion uses its challenge up: a good one for it afterwards is refused', async () => {
    const { authenticator } = await accountWithPasskey(t)
    const options = await signinOptions(t)
    await assertNotRecognised(await verify(t, authenticator.assert(options, { flags: { uv: false } })), 'no UV')
    await assertNotRecognised(await verify(t, authenticator.assert(options)), 'the good one, too late')
    assert.equal((await signInWith(t, authenticator)).status, 200, 'new options work')
  })

  it('an expired challenge: the one 401', async () => {
    const { authenticator } = await accountWithPasskey(t)
    const options = await signinOptions(t)
    await t.services.database.db
      .update(webauthnChallenge)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(webauthnChallenge.challenge, options.challenge))
    await assertNotRecognised(await verify(t, authenticator.assert(options)))
  })

  it('a registration challenge does not sign in', async () => {
    const account = await accountWithPasskey(t)
    const registration = await registrationOptions(t, account)
    const res = await verify(t, account.authenticator.assert({ challenge: registration.challenge, rpId: 'localhost' }))
    await assertNotRecognised(res)
  })

  it('a key registered nowhere: the one 401', async () => {
    const stranger = newAuthenticator(t)
    stranger.userHandle = (await registrationOptions(t, await newAccount(t))).user.id
    await assertNotRecognised(await signInWith(t, stranger))
  })
})

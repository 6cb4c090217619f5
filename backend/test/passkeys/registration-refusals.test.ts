/**
 * API.md "Passkeys", POST /api/me/passkeys, checked as WebAuthn §7.1 has it: each answer with
 * one thing wrong is refused with 422 on `credential` and stores nothing; a credential id
 * registered already (by anyone) or a 21st passkey is 409. The challenge is used up by the
 * first answer that names it, right or wrong.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { webauthnChallenge } from '../../src/db/schema.js'
import { assertProblem } from '../../testkit/problem.js'
import { BEHIND_PROXY } from '../support/account.js'
import { describeWithApp, type TestApp } from '../support/harness.js'
import type { Forgery, SoftAuthenticator } from './authenticator.js'
import {
  type Account,
  addPasskey,
  listPasskeys,
  newAccount,
  newAuthenticator,
  register,
  registrationOptions,
  signinOptions,
} from './support.js'

/** Registering is refused with 422 on `credential`, and the account still has no passkey. */
async function assertRefused(t: TestApp, account: Account, res: Response, what: string) {
  await assertProblem(res, 422, { fields: ['credential'], what })
  assert.deepEqual(await listPasskeys(t, account), [], `${what}: nothing stored`)
}

describeWithApp('refused passkey registrations', BEHIND_PROXY, (t) => {
  async function answer(account: Account, forgery: Forgery, authenticator: SoftAuthenticator = newAuthenticator(t)) {
    const options = await registrationOptions(t, account)
    return addPasskey(t, account, { credential: authenticator.register(options, forgery) })
  }

  const forgeries: [string, Forgery][] = [
    ['type webauthn.get', { type: 'webauthn.get' }],
    ['another origin', { origin: 'https://evil.example' }],
    ['the right host on another port', { origin: 'http://localhost:1' }],
    ['another RP ID', { rpId: 'evil.example' }],
    ['user presence (UP) missing', { flags: { up: false } }],
    ['user verification (UV) missing', { flags: { uv: false } }],
    ['attested credential data (AT) missing', { flags: { at: false } }],
    ['crossOrigin true', { crossOrigin: true }],
    ['crossOrigin true with a topOrigin', { crossOrigin: true, topOrigin: 'https://evil.example' }],
    ['backed up (BS) without backup eligible (BE)', { flags: { be: false, bs: true } }],
    ['a challenge never issued', { challenge: 'bm90LWEtY2hhbGxlbmdlLW9mLW91cnMtYXQtYWxsLWZvcmdlZA' }],
    ['an id other than the attested one', { jsonId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    ['the packed format with no statement', { fmt: 'packed' }],
    ['an unknown attestation format', { fmt: 'made-up' }],
  ]
  for (const [what, forgery] of forgeries) {
    it(`${what}: 422 on credential`, async () => {
      const account = await newAccount(t)
      await assertRefused(t, account, await answer(account, forgery), what)
    })
  }

  it('a key of an algorithm not offered (ES384): 422 on credential', async () => {
    const account = await newAccount(t)
    const res = await answer(account, {}, newAuthenticator(t, { origin: '', algorithm: 'ES384' }))
    await assertRefused(t, account, res, 'ES384')
  })

  it('a credential id of 1024 bytes is refused; 1023 bytes is accepted', async () => {
    const account = await newAccount(t)
    const long = await answer(account, {}, newAuthenticator(t, { origin: '', credentialIdBytes: 1024 }))
    await assertRefused(t, account, long, '1024 bytes')
    await register(t, account, newAuthenticator(t, { origin: '', credentialIdBytes: 1023 }))
  })

  it('a challenge issued to another user: 422, and it is used up for its owner too', async () => {
    const [ann, bob] = [await newAccount(t), await newAccount(t)]
    const annOptions = await registrationOptions(t, ann)
    const stolen = newAuthenticator(t).register(annOptions)
    await assertRefused(t, bob, await addPasskey(t, bob, { credential: stolen }), "Ann's challenge as Bob")
    const late = await addPasskey(t, ann, { credential: newAuthenticator(t).register(annOptions) })
    await assertRefused(t, ann, late, 'Ann after Bob named her challenge')
  })

  it('a sign-in challenge is not a registration challenge', async () => {
    const account = await newAccount(t)
    const signin = await signinOptions(t)
    const options = { ...(await registrationOptions(t, account)), challenge: signin.challenge }
    await assertRefused(
      t,
      account,
      await addPasskey(t, account, { credential: newAuthenticator(t).register(options) }),
      '',
    )
  })

  it('a replayed answer is refused: each challenge registers once', async () => {
    const account = await newAccount(t)
    const options = await registrationOptions(t, account)
    const credential = newAuthenticator(t).register(options)
    assert.equal((await addPasskey(t, account, { credential })).status, 201)
    await assertProblem(await addPasskey(t, account, { credential }), 422, { fields: ['credential'], what: 'replayed' })
    const again = await addPasskey(t, account, { credential: newAuthenticator(t).register(options) })
    await assertProblem(again, 422, { fields: ['credential'], what: 'another key, same challenge' })
  })

  it('a refused answer uses its challenge up: a good answer to it afterwards is refused', async () => {
    const account = await newAccount(t)
    const options = await registrationOptions(t, account)
    const authenticator = newAuthenticator(t)
    await assertRefused(
      t,
      account,
      await addPasskey(t, account, { credential: authenticator.register(options, { flags: { uv: false } }) }),
      'no UV',
    )
    await assertRefused(
      t,
      account,
      await addPasskey(t, account, { credential: authenticator.register(options) }),
      'retry',
    )
  })

  it('an expired challenge: 422 on credential', async () => {
    const account = await newAccount(t)
    const options = await registrationOptions(t, account)
    await t.services.database.db
      .update(webauthnChallenge)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(webauthnChallenge.challenge, options.challenge))
    await assertRefused(
      t,
      account,
      await addPasskey(t, account, { credential: newAuthenticator(t).register(options) }),
      '',
    )
  })

  it('at most 10 challenges wait per user: an 11th drops the oldest', async () => {
    const account = await newAccount(t)
    const issued = []
    for (let i = 0; i < 11; i++) issued.push(await registrationOptions(t, account))
    const pending = await t.services.database.db
      .select()
      .from(webauthnChallenge)
      .where(eq(webauthnChallenge.userId, account.s.user.id))
    assert.equal(pending.length, 10)
    const [oldest, second] = issued
    const dropped = await addPasskey(t, account, { credential: newAuthenticator(t).register(oldest as never) })
    await assertRefused(t, account, dropped, 'the oldest')
    assert.equal(
      (await addPasskey(t, account, { credential: newAuthenticator(t).register(second as never) })).status,
      201,
    )
    assert.equal(
      (await addPasskey(t, account, { credential: newAuthenticator(t).register(issued[10] as never) })).status,
      201,
    )
  })

  it('a credential id registered to another account: 409, and it stays theirs', async () => {
    const [ann, bob] = [await newAccount(t), await newAccount(t)]
    const authenticator = newAuthenticator(t)
    await register(t, ann, authenticator)
    const res = await addPasskey(t, bob, { credential: authenticator.register(await registrationOptions(t, bob)) })
    await assertProblem(res, 409)
    assert.equal((await listPasskeys(t, ann)).length, 1)
    assert.equal((await listPasskeys(t, bob)).length, 0)
  })

  it('a 21st passkey: 409', async () => {
    const account = await newAccount(t)
    for (let i = 0; i < 20; i++) await register(t, account, newAuthenticator(t))
    const res = await addPasskey(t, account, {
      credential: newAuthenticator(t).register(await registrationOptions(t, account)),
    })
    await assertProblem(res, 409)
    assert.equal((await listPasskeys(t, account)).length, 20)
  })
})

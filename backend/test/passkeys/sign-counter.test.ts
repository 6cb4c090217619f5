/**
 * API.md "Passkeys", the sign counter: when the stored or the received count is non-zero, the
 * received one must be greater; otherwise the sign-in is refused (the one 401), the stored
 * count stays, `passkey_clone_suspected` is recorded, and the passkey stays. Authenticators
 * that always send 0 pass. Only a genuinely signed assertion can raise the suspicion.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { BEHIND_PROXY } from '../support/account.js'
import { describeWithApp } from '../support/harness.js'
import {
  accountWithPasskey,
  assertNotRecognised,
  eventActions,
  listPasskeys,
  signInWith,
  storedPasskey,
} from './support.js'

describeWithApp('the sign counter', BEHIND_PROXY, (t) => {
  it('a count that goes up signs in, and is stored', async () => {
    const { authenticator, passkey } = await accountWithPasskey(t)
    assert.equal((await storedPasskey(t, passkey.id))?.signCount, 1, 'the count at registration')
    assert.equal((await signInWith(t, authenticator, { counter: 7 })).status, 200)
    assert.equal((await storedPasskey(t, passkey.id))?.signCount, 7)
    assert.equal((await signInWith(t, authenticator, { counter: 8 })).status, 200)
    assert.equal((await storedPasskey(t, passkey.id))?.signCount, 8)
  })

  for (const [what, counter] of [
    ['a count that went back', 3],
    ['the same count again', 5],
    ['a count of 0 after non-zero ones', 0],
  ] as const) {
    it(`${what}: refused, count kept, passkey_clone_suspected recorded, passkey kept`, async () => {
      const account = await accountWithPasskey(t)
      const { authenticator, passkey } = account
      assert.equal((await signInWith(t, authenticator, { counter: 5 })).status, 200)
      await assertNotRecognised(await signInWith(t, authenticator, { counter }), what)
      assert.equal((await storedPasskey(t, passkey.id))?.signCount, 5, 'the stored count stays')
      assert.equal((await eventActions(t, account))[0], 'passkey_clone_suspected')
      assert.deepEqual(
        (await listPasskeys(t, account)).map((p) => p.id),
        [passkey.id],
        'the passkey stays; its owner decides',
      )
      assert.equal((await signInWith(t, authenticator, { counter: 6 })).status, 200, 'the real one still signs in')
    })
  }

  it('an authenticator that always sends 0 signs in every time', async () => {
    const { authenticator, passkey } = await accountWithPasskey(t, { origin: '', counter: 0, counterStep: 0 })
    for (let i = 0; i < 3; i++) assert.equal((await signInWith(t, authenticator)).status, 200, `sign-in ${i + 1}`)
    assert.equal((await storedPasskey(t, passkey.id))?.signCount, 0)
  })

  it('a non-zero count after zeros signs in; 0 after it does not', async () => {
    const account = await accountWithPasskey(t, { origin: '', counter: 0, counterStep: 0 })
    assert.equal((await signInWith(t, account.authenticator, { counter: 1 })).status, 200)
    await assertNotRecognised(await signInWith(t, account.authenticator, { counter: 0 }))
    assert.equal((await storedPasskey(t, account.passkey.id))?.signCount, 1)
  })

  it('a count that went back under a bad signature is a plain refusal, not a suspected clone', async () => {
    const account = await accountWithPasskey(t)
    assert.equal((await signInWith(t, account.authenticator, { counter: 5 })).status, 200)
    await assertNotRecognised(await signInWith(t, account.authenticator, { counter: 2, badSignature: true }))
    await assertNotRecognised(
      await signInWith(t, account.authenticator, { counter: 2, signingKey: account.authenticator.otherKey() }),
    )
    assert.ok(!(await eventActions(t, account)).includes('passkey_clone_suspected'))
    assert.equal((await storedPasskey(t, account.passkey.id))?.signCount, 5)
  })

  it('two sign-ins with the same count at once: one passes, the other is refused', async () => {
    const account = await accountWithPasskey(t)
    const results = await Promise.all([
      signInWith(t, account.authenticator, { counter: 9 }),
      signInWith(t, account.authenticator, { counter: 9 }),
    ])
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 401])
    assert.equal((await storedPasskey(t, account.passkey.id))?.signCount, 9)
  })
})

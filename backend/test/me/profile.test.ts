/**
 * Decision 009 "The signed-in user": PATCH /api/me `{ name }` → 200 `{ user }`, with sign-up's
 * rules for a name (1 to 100 characters after trimming) and a strict body.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { BEHIND_PROXY } from '../support/account.js'
import {
  CREDENTIALS,
  type Credential,
  call,
  currentUser,
  freshClient,
  signIn,
  signUpAs,
  type UserJson,
} from '../support/clients.js'
import { describeWithApp, type TestApp } from '../support/harness.js'

function rename(t: TestApp, credential: Credential, body: unknown) {
  return call(t, 'PATCH', '/api/me', { credential, body, client: freshClient() })
}

describeWithApp('PATCH /api/me', BEHIND_PROXY, (t) => {
  for (const [how, credentialOf] of Object.entries(CREDENTIALS)) {
    it(`with ${how}: 200 { user } with the trimmed name, which /api/me and sign-in then show`, async () => {
      const s = await signUpAs(t, freshClient(), { name: 'Old Name' })
      const res = await rename(t, credentialOf(s), { name: '  Ada  Lovelace \n' })
      const text = await res.text()
      assert.equal(res.status, 200, text)
      const body = JSON.parse(text) as { user: UserJson }
      assert.deepEqual(Object.keys(body), ['user'])
      assert.deepEqual(body.user, { ...s.user, name: 'Ada  Lovelace' })
      assert.equal((await currentUser(t, { bearer: s.token })).name, 'Ada  Lovelace')
      const signin = await signIn(t, s.user.email, s.password)
      assert.equal(((await signin.json()) as { user: UserJson }).user.name, 'Ada  Lovelace')
    })
  }

  it('accepts a name of 100 characters and refuses one empty after trimming or of 101 with 422 on name', async () => {
    const s = await signUpAs(t, freshClient(), { name: 'Kept' })
    for (const [label, name] of [
      ['empty', ''],
      ['blank', ' \t\n '],
      ['101 characters', 'n'.repeat(101)],
      ['not a string', 42],
      ['null', null],
    ] as const) {
      await assertProblem(await rename(t, { bearer: s.token }, { name }), 422, { fields: ['name'], what: label })
    }
    assert.equal((await currentUser(t, { bearer: s.token })).name, 'Kept', 'a refused name changes nothing')
    const longest = 'n'.repeat(100)
    const res = await rename(t, { bearer: s.token }, { name: longest })
    assert.equal(res.status, 200, await res.clone().text())
    assert.equal(((await res.json()) as { user: UserJson }).user.name, longest)
  })

  it('refuses unknown fields, the email among them, with 422 naming each', async () => {
    const s = await signUpAs(t, freshClient(), { name: 'Kept' })
    await assertProblem(await rename(t, { bearer: s.token }, { name: 'New', email: 'new@example.com' }), 422, {
      fields: ['email'],
    })
    await assertProblem(await rename(t, { bearer: s.token }, { nmae: 'New', image: 'x' }), 422, {
      fields: [
        'nmae',
        'image',
        'name', // required
      ],
    })
    const user = await currentUser(t, { bearer: s.token })
    assert.equal(user.name, 'Kept')
    assert.equal(user.email, s.user.email)
  })

  it("changes only the caller's name", async () => {
    const [ann, bob] = [
      await signUpAs(t, freshClient(), { name: 'Ann' }),
      await signUpAs(t, freshClient(), { name: 'Bob' }),
    ]
    assert.equal((await rename(t, { bearer: ann.token }, { name: 'Annie' })).status, 200)
    assert.equal((await currentUser(t, { bearer: bob.token })).name, 'Bob')
  })

  it('needs credentials: 401 without', async () => {
    await assertUnauthorized(await rename(t, {}, { name: 'Nobody' }))
  })
})

/**
 * A password changed later must meet the sign-up rules.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { readProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'

describeWithApp('a password changed later', {}, (t) => {
  // Decision 009: PUT /api/me/password replaced Better Auth's change-password (now a 404).
  const changePassword = (who: { cookie: string }, currentPassword: string, newPassword: string) =>
    t.fetch('/api/me/password', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: who.cookie, origin: t.config.publicUrl },
      body: JSON.stringify({ current_password: currentPassword, new_password: newPassword }),
    })

  it('must meet the sign-up rules (length and the common-password list)', async () => {
    const ann = await t.signup()
    for (const weak of ['short', 'password123']) {
      const res = await changePassword(ann, ann.password, weak)
      assert.equal(res.status, 422)
      const body = await readProblem(res)
      assert.deepEqual(
        body.errors?.map((e) => e.field),
        ['new_password'],
      )
    }
    // The old password still works; a good new one is accepted and then works.
    assert.equal((await t.post('/api/auth/signin', { email: ann.user.email, password: ann.password })).status, 200)
    const strong = 'another sturdy passphrase 7'
    assert.equal((await changePassword(ann, ann.password, strong)).status, 204)
    assert.equal((await t.post('/api/auth/signin', { email: ann.user.email, password: strong })).status, 200)
  })
})

/**
 * POST /api/auth/signup refuses: malformed JSON, bodies not declared JSON, invalid fields
 * (every one named), a taken email (409), unknown fields.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { describeWithApp, STRONG_PASSWORD } from '../support/harness.js'
import { assertNothingStored, freshEmail, passwordOf, postRaw, usersMarked } from './support.js'

describeWithApp('auth contract', {}, (t) => {
  describe('POST /api/auth/signup', () => {
    it('answers malformed JSON with 400 and stores nothing', async () => {
      const { email, marker } = freshEmail('badjson')
      const res = await postRaw(t, '/api/auth/signup', `{"email":"${email}","password":"${STRONG_PASSWORD}"`, {
        'content-type': 'application/json',
      })
      const body = await assertProblem(res, 400)
      assert.ok(body.detail, 'a 400 says what is wrong')
      await assertNothingStored(t, marker)
    })

    it('answers a body that is not declared JSON with 415 and stores nothing', async () => {
      const cases: [string, (email: string) => { body: BodyInit; headers: Record<string, string> }][] = [
        [
          'text/plain',
          (email) => ({
            body: JSON.stringify({ email, password: STRONG_PASSWORD }),
            headers: { 'content-type': 'text/plain' },
          }),
        ],
        [
          'no content type',
          // A byte body makes fetch send no Content-Type at all.
          (email) => ({
            body: new TextEncoder().encode(JSON.stringify({ email, password: STRONG_PASSWORD })),
            headers: {},
          }),
        ],
        ['form-encoded', (email) => ({ body: new URLSearchParams({ email, password: STRONG_PASSWORD }), headers: {} })],
      ]
      for (const [label, make] of cases) {
        const { email, marker } = freshEmail('notjson')
        const { body, headers } = make(email)
        const res = await postRaw(t, '/api/auth/signup', body, headers)
        await assertProblem(res, 415).catch((err: Error) => {
          throw new Error(`${label}: ${err.message}`)
        })
        await assertNothingStored(t, marker)
      }
    })

    it('refuses an invalid email, a short, long or common password and a bad name with 422', async () => {
      const cases: [string, (email: string) => Record<string, unknown>, string][] = [
        ['invalid email', (email) => ({ email: email.replace('@', ' at '), password: STRONG_PASSWORD }), 'email'],
        ['email without domain', (email) => ({ email: email.replace(/@.*/, '@'), password: STRONG_PASSWORD }), 'email'],
        ['password of 7 code points', (email) => ({ email, password: passwordOf(7) }), 'password'],
        ['password of 129 code points', (email) => ({ email, password: passwordOf(129) }), 'password'],
        ['common password password123', (email) => ({ email, password: 'password123' }), 'password'],
        ['common password iloveyou1 in capitals', (email) => ({ email, password: 'ILoveYou1' }), 'password'],
        ['name empty after trimming', (email) => ({ email, password: STRONG_PASSWORD, name: '   ' }), 'name'],
        ['name of 101 characters', (email) => ({ email, password: STRONG_PASSWORD, name: 'n'.repeat(101) }), 'name'],
      ]
      for (const [label, make, field] of cases) {
        const { email, marker } = freshEmail('invalid')
        const res = await t.post('/api/auth/signup', make(email))
        await assertProblem(res, 422, { fields: [field] }).catch((err: Error) => {
          throw new Error(`${label}: ${err.message}`)
        })
        await assertNothingStored(t, marker)
      }
    })

    it('lists every invalid field of a body, not only the first', async () => {
      const { marker } = freshEmail('many')
      const res = await t.post('/api/auth/signup', { email: `${marker}@`, password: 'short', name: '' })
      await assertProblem(res, 422, { fields: ['email', 'password', 'name'] })
      await assertNothingStored(t, marker)
    })

    it('answers 409 for an email already registered, whatever its case, and keeps the account as it was', async () => {
      const { email, marker } = freshEmail('dup')
      const first = await t.signup({ email })
      const shouted = email.replace(/^./, (c) => c.toUpperCase()).replace('@example.com', '@Example.COM')
      assert.notEqual(shouted, email)
      const res = await t.post('/api/auth/signup', { email: shouted, password: 'another good passphrase' })
      await assertProblem(res, 409)
      assert.equal(res.headers.getSetCookie().length, 0, 'a refused sign-up sets no cookie')

      const rows = await usersMarked(t, marker)
      assert.deepEqual(
        rows.map((r) => r.id),
        [first.user.id],
      )
      // The duplicate did not change the password.
      await assertUnauthorized(await t.post('/api/auth/signin', { email, password: 'another good passphrase' }))
      assert.equal((await t.post('/api/auth/signin', { email, password: first.password })).status, 200)
    })

    it('refuses unknown JSON fields with 422 naming each of them', async () => {
      const { email, marker } = freshEmail('unknown')
      const res = await t.post('/api/auth/signup', { email, password: STRONG_PASSWORD, nmae: 'Ada', role: 'admin' })
      await assertProblem(res, 422, { fields: ['nmae', 'role'] })
      await assertNothingStored(t, marker)
    })
  })
})

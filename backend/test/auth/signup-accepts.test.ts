/**
 * POST /api/auth/signup accepts: the documented answer, normalised email and name, passwords
 * at their bounds in code points, an email of 254 characters.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { describeWithApp, STRONG_PASSWORD } from '../support/harness.js'
import {
  assertAuthResult,
  assertNothingStored,
  assertSessionCookie,
  emailOfLength,
  expectMe,
  freshEmail,
  passwordOf,
  usersMarked,
} from './support.js'

describeWithApp('auth contract', {}, (t) => {
  describe('POST /api/auth/signup', () => {
    it('creates the account: 201, Location, the documented body and a session cookie', async () => {
      const { email } = freshEmail('signup')
      const res = await t.post('/api/auth/signup', { email, password: STRONG_PASSWORD, name: 'Ada Lovelace' })
      assert.equal(res.status, 201, await res.clone().text())
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
      const body = assertAuthResult(await res.json(), { email, name: 'Ada Lovelace' })
      const cookie = assertSessionCookie(res)

      const location = res.headers.get('location')
      assert.ok(location, 'a 201 names the created resource')
      const created = await t.fetch(new URL(location, t.url).pathname, {
        headers: { authorization: `Bearer ${body.token}` },
      })
      assert.equal(created.status, 200)
      assert.deepEqual(await created.json(), { user: body.user })

      // Every credential handed out works at once.
      await expectMe(t, { bearer: body.session_token }, body.user.id)
      await expectMe(t, { cookie }, body.user.id)
    })

    it('trims the email and stores it lower-case; trims the name', async () => {
      const { email, marker } = freshEmail('Case')
      const sent = `  ${email.toUpperCase()}\t`
      const res = await t.post('/api/auth/signup', {
        email: sent,
        password: STRONG_PASSWORD,
        name: '  Grace Hopper \n',
      })
      assert.equal(res.status, 201, await res.clone().text())
      const body = assertAuthResult(await res.json(), { email: email.toLowerCase(), name: 'Grace Hopper' })
      const rows = await usersMarked(t, marker)
      assert.equal(rows.length, 1)
      assert.equal(rows[0]?.id, body.user.id)
      assert.equal(rows[0]?.email, email.toLowerCase())
      assert.equal(rows[0]?.name, 'Grace Hopper')
    })

    it('names the user after the part of the email before @ when no name is given', async () => {
      const { email, marker } = freshEmail('noname')
      const res = await t.post('/api/auth/signup', { email, password: STRONG_PASSWORD })
      assert.equal(res.status, 201, await res.clone().text())
      assertAuthResult(await res.json(), { email, name: marker })
      const [row] = await usersMarked(t, marker)
      assert.equal(row?.name, marker)
    })

    it('accepts passwords of exactly 8 and 128 code points, and never truncates them', async () => {
      for (const length of [8, 128]) {
        const { email } = freshEmail(`pw${length}`)
        const password = passwordOf(length)
        const res = await t.post('/api/auth/signup', { email, password })
        assert.equal(res.status, 201, `${length}: ${await res.text()}`)
        // Stored whole: the password minus its last character is wrong.
        const wrong = await t.post('/api/auth/signin', { email, password: password.slice(0, -1) })
        await assertUnauthorized(wrong)
        const right = await t.post('/api/auth/signin', { email, password })
        assert.equal(right.status, 200)
      }
    })

    it('counts password length in code points, not UTF-16 units', async () => {
      const emoji = '🦄' // one code point, two UTF-16 units
      // 8 emoji are 16 UTF-16 units; 128 emoji are 256.
      for (const count of [8, 128]) {
        const { email } = freshEmail(`emoji${count}`)
        const password = emoji.repeat(count)
        const res = await t.post('/api/auth/signup', { email, password })
        assert.equal(res.status, 201, `${count} emoji: ${await res.text()}`)
        const signin = await t.post('/api/auth/signin', { email, password })
        assert.equal(signin.status, 200, `${count} emoji sign-in`)
      }
      // 7 emoji are 14 UTF-16 units but only 7 characters; 129 emoji are too many.
      for (const count of [7, 129]) {
        const { email, marker } = freshEmail(`emoji${count}`)
        const res = await t.post('/api/auth/signup', { email, password: emoji.repeat(count) })
        await assertProblem(res, 422, { fields: ['password'] })
        await assertNothingStored(t, marker)
      }
    })

    it('accepts an email of 254 characters and refuses one of 255', async () => {
      const ok = emailOfLength(254)
      const res = await t.post('/api/auth/signup', { email: ok.email, password: STRONG_PASSWORD })
      assert.equal(res.status, 201, await res.text())
      assert.equal((await usersMarked(t, ok.marker)).length, 1)

      const tooLong = emailOfLength(255)
      await assertProblem(await t.post('/api/auth/signup', { email: tooLong.email, password: STRONG_PASSWORD }), 422, {
        fields: ['email'],
      })
      await assertNothingStored(t, tooLong.marker)
    })
  })
})

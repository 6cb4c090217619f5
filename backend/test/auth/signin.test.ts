/**
 * POST /api/auth/signin: the sign-up body shape, email matched case-insensitively, and one
 * 401 for a wrong password and an unknown email.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertUnauthorized } from '../../testkit/problem.js'
import { describeWithApp, uniqueEmail } from '../support/harness.js'
import { type AuthResult, assertAuthResult, assertSessionCookie, expectMe, median } from './support.js'

describeWithApp('auth contract', {}, (t) => {
  describe('POST /api/auth/signin', () => {
    it('signs in with the same body shape as sign-up and a session cookie', async () => {
      const ann = await t.signup({ name: 'Ann' })
      const res = await t.post('/api/auth/signin', { email: ann.user.email, password: ann.password })
      assert.equal(res.status, 200, await res.clone().text())
      const body = assertAuthResult(await res.json(), { email: ann.user.email, name: 'Ann' })
      assert.deepEqual(body.user, ann.user)
      assert.notEqual(body.session_token, ann.session_token, 'a sign-in starts a new session')
      const cookie = assertSessionCookie(res)
      await expectMe(t, { bearer: body.token }, ann.user.id)
      await expectMe(t, { bearer: body.session_token }, ann.user.id)
      await expectMe(t, { cookie }, ann.user.id)
    })

    it('matches the email case-insensitively and ignores surrounding spaces', async () => {
      const ann = await t.signup()
      const res = await t.post('/api/auth/signin', {
        email: `  ${ann.user.email.toUpperCase()} `,
        password: ann.password,
      })
      assert.equal(res.status, 200, await res.clone().text())
      assert.equal(((await res.json()) as AuthResult).user.id, ann.user.id)
    })

    it('gives a wrong password and an unknown email the same 401, in about the same time', async (ctx) => {
      const ann = await t.signup()
      const wrongPassword = () => t.post('/api/auth/signin', { email: ann.user.email, password: 'not the password 1' })
      const unknownEmail = () => t.post('/api/auth/signin', { email: uniqueEmail('ghost'), password: ann.password })

      const [a, b] = [await wrongPassword(), await unknownEmail()]
      for (const res of [a, b]) {
        assert.equal(res.status, 401)
        assert.equal(res.headers.get('www-authenticate'), 'Bearer')
        assert.equal(res.headers.getSetCookie().length, 0)
      }
      assert.equal(a.headers.get('content-type'), b.headers.get('content-type'))
      const [pa, pb] = [await assertUnauthorized(a), await assertUnauthorized(b)]
      assert.deepEqual(pa, pb)
      assert.equal(pa.detail, 'Invalid email or password')

      const timings = { wrongPassword: [] as number[], unknownEmail: [] as number[] }
      for (let i = 0; i < 5; i++) {
        for (const kind of ['wrongPassword', 'unknownEmail'] as const) {
          const start = performance.now()
          const res = await (kind === 'wrongPassword' ? wrongPassword() : unknownEmail())
          await res.arrayBuffer()
          timings[kind].push(performance.now() - start)
          assert.equal(res.status, 401)
        }
      }
      const wrong = median(timings.wrongPassword)
      const unknown = median(timings.unknownEmail)
      ctx.diagnostic(`median ms: wrong password ${wrong.toFixed(1)}, unknown email ${unknown.toFixed(1)}`)
      // An unknown email must not be answered visibly faster (that would reveal accounts).
      assert.ok(
        unknown >= 0.5 * wrong,
        `unknown email ${unknown.toFixed(1)} ms vs wrong password ${wrong.toFixed(1)} ms`,
      )
    })
  })
})

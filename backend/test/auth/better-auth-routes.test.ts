/**
 * Better Auth's own sign-up and sign-in routes and ours make the same accounts.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithApp, STRONG_PASSWORD, sessionCookie, type TestApp } from '../support/harness.js'
import { assertAuthResult, assertNothingStored, expectMe, freshEmail } from './support.js'

describeWithApp('auth contract', {}, (t) => {
  describe("Better Auth's own routes", () => {
    // Better Auth's own CSRF check wants an Origin on these routes, as a browser sends it.
    const post = (t: TestApp, path: string, body: unknown) =>
      t.post(path, body, { headers: { origin: t.config.publicUrl } })

    it('a user made with sign-up/email signs in through /api/auth/signin', async () => {
      const { email } = freshEmail('ba')
      const res = await post(t, '/api/auth/sign-up/email', { email, password: STRONG_PASSWORD, name: 'Bea' })
      assert.equal(res.status, 200, await res.clone().text())
      const created = (await res.json()) as { user: { id: string; email: string } }
      assert.equal(created.user.email, email)

      const signin = await t.post('/api/auth/signin', { email, password: STRONG_PASSWORD })
      assert.equal(signin.status, 200, await signin.clone().text())
      const body = assertAuthResult(await signin.json(), { email, name: 'Bea' })
      assert.equal(body.user.id, created.user.id)
      await expectMe(t, { bearer: body.token }, created.user.id)

      // And the seed route sees the address as taken.
      await assertProblem(await t.post('/api/auth/signup', { email, password: STRONG_PASSWORD }), 409)
    })

    it('a user made with /api/auth/signup signs in through sign-in/email', async () => {
      const ann = await t.signup()
      const res = await post(t, '/api/auth/sign-in/email', { email: ann.user.email, password: ann.password })
      assert.equal(res.status, 200, await res.clone().text())
      const body = (await res.json()) as { user: { id: string }; token?: string }
      assert.equal(body.user.id, ann.user.id)
      // Better Auth wants an Origin here, so its callers are browsers: the session is the cookie
      // alone (decision 017); other clients sign in at /api/auth/signin.
      assert.equal(body.token, undefined)
      await expectMe(t, { cookie: sessionCookie(res) }, ann.user.id)

      const wrong = await post(t, '/api/auth/sign-in/email', {
        email: ann.user.email,
        password: 'not the password 1',
      })
      await assertProblem(wrong, 401)
    })

    it('sign-up/email refuses a common password with a 422 problem document', async () => {
      const { email, marker } = freshEmail('bacommon')
      const res = await post(t, '/api/auth/sign-up/email', { email, password: 'password123', name: 'Bea' })
      await assertProblem(res, 422, { fields: ['password'] })
      await assertNothingStored(t, marker)
    })
  })
})

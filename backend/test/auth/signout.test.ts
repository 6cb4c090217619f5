/**
 * POST /api/auth/signout with every credential: only that session ends, idempotent, and
 * not from a foreign origin.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { describeWithApp, sessionCookie } from '../support/harness.js'
import { type AuthResult, CREDENTIALS, expectMe, FOREIGN_ORIGIN, me, signout } from './support.js'

describeWithApp('auth contract', {}, (t) => {
  describe('POST /api/auth/signout', () => {
    for (const [how, credentialOf] of Object.entries(CREDENTIALS)) {
      it(`with ${how}: 204, clears the cookie, and every credential of the session stops working`, async () => {
        const ann = await t.signup()
        const res = await signout(t, credentialOf(ann))
        assert.equal(res.status, 204)
        assert.equal(await res.text(), '')

        const cookieName = ann.cookie.split('=')[0] as string
        const cleared = res.headers.getSetCookie().find((c) => c.startsWith(`${cookieName}=`))
        assert.ok(cleared, `the session cookie is not cleared: ${JSON.stringify(res.headers.getSetCookie())}`)
        const expires = /expires=([^;]+)/i.exec(cleared)?.[1]
        assert.ok(
          /max-age=0(;|$)/i.test(cleared) || (expires !== undefined && Date.parse(expires) < Date.now()),
          `the cleared cookie does not expire: ${cleared}`,
        )

        for (const credential of [{ bearer: ann.token }, { bearer: ann.session_token }, { cookie: ann.cookie }]) {
          await assertUnauthorized(await me(t, credential))
        }
      })
    }

    it('refuses a cookie sign-out from a foreign origin and leaves the session alone', async () => {
      const ann = await t.signup()
      await assertProblem(await signout(t, { cookie: ann.cookie }, FOREIGN_ORIGIN), 403)
      await expectMe(t, { cookie: ann.cookie }, ann.user.id)
      await expectMe(t, { bearer: ann.token }, ann.user.id)
    })

    it('is idempotent: twice, with a garbage credential or with none, still 204', async () => {
      const ann = await t.signup()
      assert.equal((await signout(t, { bearer: ann.token })).status, 204)
      assert.equal((await signout(t, { bearer: ann.token })).status, 204)
      assert.equal((await signout(t, { bearer: ann.session_token })).status, 204)
      assert.equal((await signout(t, { cookie: ann.cookie })).status, 204)
      for (const credential of [
        { bearer: 'garbage' },
        { bearer: 'a.b.c' },
        { cookie: 'better-auth.session_token=nope' },
        {},
      ]) {
        const res = await signout(t, credential)
        assert.equal(res.status, 204, JSON.stringify(credential))
        assert.equal(await res.text(), '')
      }
    })

    it("ends only that session: the user's other session stays valid", async () => {
      const ann = await t.signup()
      const res = await t.post('/api/auth/signin', { email: ann.user.email, password: ann.password })
      assert.equal(res.status, 200)
      const other = (await res.json()) as AuthResult
      const otherCookie = sessionCookie(res)
      const bob = await t.signup()

      assert.equal((await signout(t, { bearer: ann.token })).status, 204)
      await assertUnauthorized(await me(t, { bearer: ann.token }))
      await assertUnauthorized(await me(t, { bearer: ann.session_token }))
      await expectMe(t, { bearer: other.token }, ann.user.id)
      await expectMe(t, { bearer: other.session_token }, ann.user.id)
      await expectMe(t, { cookie: otherCookie }, ann.user.id)
      await expectMe(t, { bearer: bob.token }, bob.user.id)
    })
  })
})

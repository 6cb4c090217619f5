/**
 * GET /api/auth/token: a new access token from a session, never from an access token.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertUnauthorized } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { CREDENTIALS, decodeJwt, expectMe, me, RFC3339_UTC, signout } from './support.js'

describeWithApp('auth contract', {}, (t) => {
  describe('GET /api/auth/token', () => {
    for (const how of ['the session cookie', 'the bearer session token'] as const) {
      it(`returns a fresh working access token for ${how}`, async () => {
        const ann = await t.signup()
        const credential = CREDENTIALS[how](ann)
        const res = await t.fetch('/api/auth/token', {
          headers: credential.bearer
            ? { authorization: `Bearer ${credential.bearer}` }
            : { cookie: credential.cookie ?? '' },
        })
        assert.equal(res.status, 200, await res.clone().text())
        const body = (await res.json()) as { token: string; expires_at: string }
        assert.deepEqual(Object.keys(body).sort(), ['expires_at', 'token'])
        assert.match(body.expires_at, RFC3339_UTC)
        assert.ok(Date.parse(body.expires_at) > Date.now())
        const claims = decodeJwt(body.token)
        assert.equal(claims.sub, ann.user.id)
        assert.equal(claims.sid, decodeJwt(ann.token).sid, 'the new token belongs to the same session')
        await expectMe(t, { bearer: body.token }, ann.user.id)

        // It is revoked with its session.
        assert.equal((await signout(t, credential)).status, 204)
        await assertUnauthorized(await me(t, { bearer: body.token }))
        await assertUnauthorized(await t.get('/api/auth/token', ann.session_token))
      })
    }

    it('refuses an access token (it cannot renew itself) and no credential with 401', async () => {
      const ann = await t.signup()
      const body = await assertUnauthorized(await t.get('/api/auth/token', ann.token))
      assert.equal(body.status, 401)
      await assertUnauthorized(await t.get('/api/auth/token'))
      await assertUnauthorized(await t.get('/api/auth/token', 'not-a-session'))
    })
  })
})

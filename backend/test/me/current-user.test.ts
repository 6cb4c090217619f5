/**
 * GET /api/me: the caller for every credential, 401 with WWW-Authenticate otherwise.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertUnauthorized } from '../../testkit/problem.js'
import { CREDENTIALS, decodeJwt, expectMe, me, type UserJson } from '../auth/support.js'
import { describeWithApp } from '../support/harness.js'

describeWithApp('auth contract', {}, (t) => {
  describe('GET /api/me', () => {
    it('returns the caller for an access token, a bearer session token and the cookie', async () => {
      const ann = await t.signup({ name: 'Ann Example' })
      for (const [how, credentialOf] of Object.entries(CREDENTIALS)) {
        const res = await me(t, credentialOf(ann))
        assert.equal(res.status, 200, how)
        const body = (await res.json()) as { user: UserJson }
        assert.deepEqual(Object.keys(body), ['user'])
        assert.deepEqual(body.user, ann.user, how)
        assert.equal(body.user.name, 'Ann Example')
      }
    })

    it('answers 401 with WWW-Authenticate: Bearer for missing, malformed or forged credentials', async () => {
      const [ann, bob] = [await t.signup(), await t.signup()]
      // Ann's signature over Bob's claims.
      const [header, , signature] = ann.token.split('.')
      const payload = Buffer.from(JSON.stringify(decodeJwt(bob.token))).toString('base64url')
      const forged = `${header}.${payload}.${signature}`
      const cases: [string, Record<string, string>][] = [
        ['no credential', {}],
        ['a garbage bearer token', { authorization: 'Bearer garbage' }],
        ['a forged access token', { authorization: `Bearer ${forged}` }],
        ['an unsigned access token', { authorization: `Bearer ${header}.${payload}.` }],
        [
          'a Basic credential',
          { authorization: `Basic ${Buffer.from(`${ann.user.email}:${ann.password}`).toString('base64')}` },
        ],
        ['an empty bearer', { authorization: 'Bearer ' }],
        ['a made-up session cookie', { cookie: 'better-auth.session_token=made-up.value' }],
        [
          'a session token sent as the cookie value unsigned',
          { cookie: `better-auth.session_token=${ann.session_token}` },
        ],
      ]
      for (const [label, headers] of cases) {
        const res = await t.fetch('/api/me', { headers })
        await assertUnauthorized(res).catch((err: Error) => {
          throw new Error(`${label}: ${err.message}`)
        })
      }
      await expectMe(t, { bearer: ann.token }, ann.user.id)
    })
  })
})

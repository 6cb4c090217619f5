/**
 * Bearer access tokens with the right signature but wrong claims (issuer, audience, expiry,
 * sid, sub, email) or a malformed Authorization header are refused.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { assertUnauthorized } from '../../testkit/problem.js'
import { describeWithApp, STRONG_PASSWORD, startTestApp } from '../support/harness.js'
import {
  ann,
  annClaims,
  bob,
  jwks,
  me,
  serverSigned,
  useAccessTokenFixture,
  validClaims,
} from './access-token-fixture.js'
import { type Claims, meId, now } from './forged-tokens.js'

describeWithApp('bearer access tokens (RFC 8725)', {}, (t, driver) => {
  useAccessTokenFixture(t)

  it('refuses server-signed tokens with a wrong issuer or audience', async () => {
    const wrong: [string, Claims][] = [
      ['wrong iss', { iss: 'https://evil.example' }],
      ['wrong aud', { aud: 'https://evil.example' }],
      ['iss of another port', { iss: 'http://localhost:1', aud: 'http://localhost:1' }],
    ]
    for (const [what, claims] of wrong) {
      await assertUnauthorized(await me(await serverSigned({ ...validClaims(), ...claims })), what)
    }
  })

  it('refuses an expired server-signed token', async () => {
    const iat = now() - 960
    const token = await serverSigned({
      sub: ann.user.id,
      sid: annClaims.sid,
      email: ann.user.email,
      iat,
      exp: iat + 900,
    })
    assert.ok((decodeJwt(token).exp as number) < now(), 'the token really is expired')
    await assertUnauthorized(await me(token), 'expired')
  })

  it('refuses a token once its exp passes, though it was accepted before', async () => {
    const exp = now() + 2
    const token = await serverSigned({ ...validClaims(), iat: exp - 900, exp })
    assert.equal(await meId(await me(token)), ann.user.id)
    await sleep(exp * 1000 - Date.now() + 100)
    await assertUnauthorized(await me(token), 'a token past its exp')
  })

  it('refuses server-signed tokens missing sid, sub or email, or with a non-string sid', async () => {
    for (const claim of ['sid', 'sub', 'email']) {
      const { iss: _iss, aud: _aud, exp: _exp, ...claims } = validClaims()
      delete claims[claim]
      const token = await serverSigned(claims)
      assert.equal(decodeJwt(token)[claim], undefined)
      await assertUnauthorized(await me(token), `missing ${claim}`)
    }
    await assertUnauthorized(await me(await serverSigned({ ...validClaims(), sid: 42 })), 'numeric sid')
  })

  it('refuses a token issued by an instance with another PUBLIC_URL, though it shares the signing key', async () => {
    const other = await startTestApp(driver, { PUBLIC_URL: 'http://taskwell-b.example' })
    try {
      const carol = await other.signup()
      assert.equal(decodeJwt(carol.token).iss, 'http://taskwell-b.example')
      assert.ok(
        jwks.keys.some((k) => k.kid === decodeProtectedHeader(carol.token).kid),
        'same database, same key: only iss/aud tell the tokens apart',
      )
      assert.equal(await meId(await other.get('/api/me', carol.token)), carol.user.id)
      await assertUnauthorized(await me(carol.token), 'token of another PUBLIC_URL')
      // Its session (shared database) is still a valid credential here: only the token is misaddressed.
      assert.equal(await meId(await me(carol.session_token)), carol.user.id)
    } finally {
      await other.close()
    }
  })

  it('refuses malformed Authorization headers', async () => {
    const basic = `Basic ${Buffer.from(`${ann.user.email}:${STRONG_PASSWORD}`).toString('base64')}`
    const cases: [string, HeadersInit][] = [
      ['Bearer without a token', { authorization: 'Bearer' }],
      ['Bearer and spaces', { authorization: 'Bearer    ' }],
      ['Basic with real credentials', { authorization: basic }],
      ['another scheme with a valid JWT', { authorization: `Token ${ann.token}` }],
      ['a valid JWT without a scheme', { authorization: ann.token }],
      ['two tokens', { authorization: `Bearer ${ann.token} ${bob.token}` }],
      ['two Bearer credentials', { authorization: `Bearer ${ann.token}, Bearer ${bob.token}` }],
      ['two tokens, comma-separated', { authorization: `Bearer ${ann.token},${bob.token}` }],
      [
        'two Authorization headers',
        [
          ['authorization', `Bearer ${ann.token}`],
          ['authorization', `Bearer ${bob.token}`],
        ],
      ],
    ]
    for (const [what, headers] of cases) {
      await assertUnauthorized(await t.fetch('/api/me', { headers }), what)
    }
  })
})

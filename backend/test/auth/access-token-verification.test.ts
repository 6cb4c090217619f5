/**
 * The session token and cookie are accepted too, only a session renews an access token, and a
 * JWT is verified without a database query.
 */

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { decodeJwt, decodeProtectedHeader, type JSONWebKeySet, type JWK } from 'jose'
import { assertUnauthorized } from '../../testkit/problem.js'
import { closeDatabases, drivers, type SignedIn, startTestApp, type TestApp } from '../support/harness.js'
import { type Claims, countQueries, meId, now } from './forged-tokens.js'

after(closeDatabases)

for (const driver of drivers()) {
  describe(`bearer access tokens on ${driver} (RFC 8725)`, () => {
    let t: TestApp
    let ann: SignedIn
    let _bob: SignedIn
    let annClaims: Claims
    let jwks: JSONWebKeySet
    let _serverKey: JWK & { kid: string }

    /** Claims a genuine token for Ann would carry, fresh. */
    const validClaims = (): Claims => {
      const iat = now()
      return {
        sub: ann.user.id,
        sid: annClaims.sid,
        email: ann.user.email,
        iat,
        exp: iat + 900,
        iss: t.config.publicUrl,
        aud: t.config.publicUrl,
      }
    }

    /** A token signed with the server's own private key (via Better Auth), so only its claims can be wrong. */
    const serverSigned = async (payload: Claims) => (await t.services.auth.api.signJWT({ body: { payload } })).token

    const me = (token: string) => t.get('/api/me', token)

    before(async () => {
      t = await startTestApp(driver)
      ann = await t.signup()
      _bob = await t.signup()
      annClaims = decodeJwt(ann.token)
      const res = await t.fetch('/api/auth/jwks')
      assert.equal(res.status, 200)
      jwks = (await res.json()) as JSONWebKeySet
      const key = jwks.keys.find((k) => k.kid === decodeProtectedHeader(ann.token).kid)
      assert.ok(key?.kid, 'the signing key is published')
      _serverKey = key as JWK & { kid: string }
    })

    after(() => t?.close())

    it('accepts the session token and the session cookie, and renews an access token only from a session', async () => {
      assert.equal(await meId(await me(ann.session_token)), ann.user.id)
      assert.ok(ann.cookie, 'sign-up set a session cookie')
      assert.equal(await meId(await t.get('/api/me', undefined, { cookie: ann.cookie })), ann.user.id)

      const sessions: Record<string, string>[] = [
        { authorization: `Bearer ${ann.session_token}` },
        { cookie: ann.cookie },
      ]
      for (const headers of sessions) {
        const res = await t.fetch('/api/auth/token', { headers })
        assert.equal(res.status, 200)
        const { token } = (await res.json()) as { token: string }
        assert.equal(decodeJwt(token).sid, annClaims.sid, 'the renewed token names the same session')
        assert.equal(await meId(await me(token)), ann.user.id)
      }
      await assertUnauthorized(await t.get('/api/auth/token', ann.token), 'an access token renewing itself')
    })

    it('verifies a JWT without a database query (and the counter does see session look-ups)', async () => {
      const { callers, database } = t.services
      // Tokens never seen before (distinct jti), so no verification can be a cache hit.
      const tokens: string[] = []
      for (let i = 0; i < 10; i++) tokens.push(await serverSigned({ ...validClaims(), jti: randomUUID() }))
      assert.equal(new Set(tokens).size, tokens.length)
      const resolved: Awaited<ReturnType<typeof callers.resolve>>[] = []
      const jwtQueries = await countQueries(database, async () => {
        for (const token of tokens)
          resolved.push(await callers.resolve(new Headers({ authorization: `Bearer ${token}` })))
      })
      const expected = { userId: ann.user.id, email: ann.user.email, sessionId: annClaims.sid, via: 'jwt' }
      for (const caller of resolved) assert.deepEqual(caller, expected)
      assert.equal(jwtQueries, 0, 'JWT verification touched the database')
      let caller = null as Awaited<ReturnType<typeof callers.resolve>>

      const viaSession = new Headers({ authorization: `Bearer ${ann.session_token}` })
      const sessionQueries = await countQueries(database, async () => {
        caller = await callers.resolve(viaSession)
      })
      assert.equal(caller?.via, 'session')
      assert.ok(sessionQueries > 0, 'the query counter works: a session look-up is seen')
    })
  })
}

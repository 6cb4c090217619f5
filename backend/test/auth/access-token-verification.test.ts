/**
 * The session token and cookie are accepted too, only a session renews an access token, and a
 * JWT is verified without a database query.
 */

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { it } from 'node:test'
import { decodeJwt } from 'jose'
import { assertUnauthorized } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { ann, annClaims, me, serverSigned, useAccessTokenFixture, validClaims } from './access-token-fixture.js'
import { countQueries, meId } from './forged-tokens.js'

describeWithApp('bearer access tokens (RFC 8725)', {}, (t) => {
  useAccessTokenFixture(t)

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
    const expected = { userId: ann.user.id, email: ann.user.email, sessionId: annClaims.sid, amr: ['pwd'], via: 'jwt' }
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

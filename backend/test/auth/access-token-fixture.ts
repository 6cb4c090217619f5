/**
 * The users every access-token test starts from: Ann and Bob signed up, Ann's claims, the
 * published key set and the key that signed Ann's token. `useAccessTokenFixture(t)` in a
 * describeWithApp block makes them on its app; the bindings below are live, so tests read them directly.
 */
import assert from 'node:assert/strict'
import { before } from 'node:test'
import { decodeJwt, decodeProtectedHeader, type JSONWebKeySet, type JWK } from 'jose'
import type { SignedIn, TestApp } from '../support/harness.js'
import { type Claims, now } from './forged-tokens.js'

let t: TestApp
export let ann: SignedIn
export let bob: SignedIn
export let annClaims: Claims
export let jwks: JSONWebKeySet
export let serverKey: JWK & { kid: string }

/** Makes the users for the enclosing describe block, on its app `app` (once that has started). */
export function useAccessTokenFixture(app: TestApp): void {
  before(async () => {
    t = app
    ann = await t.signup()
    bob = await t.signup()
    annClaims = decodeJwt(ann.token)
    const res = await t.fetch('/api/auth/jwks')
    assert.equal(res.status, 200)
    jwks = (await res.json()) as JSONWebKeySet
    const key = jwks.keys.find((k) => k.kid === decodeProtectedHeader(ann.token).kid)
    assert.ok(key?.kid, 'the signing key is published')
    serverKey = key as JWK & { kid: string }
  })
}

/** Claims a genuine token for Ann would carry, fresh. */
export const validClaims = (): Claims => {
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
export const serverSigned = async (payload: Claims) => (await t.services.auth.api.signJWT({ body: { payload } })).token

export const me = (token: string) => t.get('/api/me', token)

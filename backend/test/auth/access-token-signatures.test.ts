/**
 * Bearer access tokens are accepted only with the server's Ed25519 signature: the published key,
 * and no alg "none", HS256 with the public key, changed payload or foreign key.
 */

import assert from 'node:assert/strict'
import { createPublicKey, generateKeyPairSync, type JsonWebKey as NodeJsonWebKey, randomUUID } from 'node:crypto'
import { it } from 'node:test'
import { createLocalJWKSet, exportJWK, jwtVerify } from 'jose'
import { assertUnauthorized } from '../../testkit/problem.js'
import { describeWithApp, STRONG_PASSWORD } from '../support/harness.js'
import {
  ann,
  annClaims,
  bob,
  jwks,
  me,
  serverKey,
  serverSigned,
  useAccessTokenFixture,
  validClaims,
} from './access-token-fixture.js'
import { b64url, type Claims, ed25519, forge, hs256, meId, now } from './forged-tokens.js'

describeWithApp('bearer access tokens (RFC 8725)', {}, (t) => {
  useAccessTokenFixture(t)

  it('publishes an Ed25519 public key (and nothing private) that verifies a sign-in token with the contract claims', async () => {
    assert.ok(jwks.keys.length >= 1)
    for (const key of jwks.keys) {
      assert.equal(key.kty, 'OKP')
      assert.equal(key.crv, 'Ed25519')
      assert.equal(key.alg, 'EdDSA')
      assert.equal(typeof key.kid, 'string')
      assert.equal(typeof key.x, 'string')
      assert.equal(key.d, undefined, 'the JWKS must not publish the private key')
    }

    const res = await t.post('/api/auth/signin', { email: ann.user.email, password: STRONG_PASSWORD })
    assert.equal(res.status, 200)
    const signedIn = (await res.json()) as { token: string; expires_at: string }
    const { payload, protectedHeader } = await jwtVerify(signedIn.token, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
      issuer: t.config.publicUrl,
      audience: t.config.publicUrl,
    })
    assert.equal(protectedHeader.alg, 'EdDSA')
    assert.equal(payload.sub, ann.user.id)
    assert.equal(payload.email, ann.user.email)
    assert.equal(typeof payload.sid, 'string')
    assert.notEqual(payload.sid, annClaims.sid, 'a new sign-in is a new session')
    assert.equal(payload.iss, t.config.publicUrl)
    assert.equal(payload.aud, t.config.publicUrl)
    assert.equal(typeof payload.iat, 'number')
    assert.equal(typeof payload.exp, 'number')
    assert.equal((payload.exp as number) - (payload.iat as number), 900)
    assert.ok(Math.abs((payload.iat as number) - now()) <= 5, 'iat is now')
    assert.equal(new Date(signedIn.expires_at).getTime(), (payload.exp as number) * 1000)
    assert.equal(await meId(await me(signedIn.token)), ann.user.id)
  })

  it('accepts a server-signed token with valid claims (the control for the refusals below)', async () => {
    assert.equal(await meId(await me(await serverSigned(validClaims()))), ann.user.id)
  })

  it('refuses alg "none" tokens with valid-looking claims', async () => {
    const genuineSignature = ann.token.split('.')[2] as string
    const variants: [string, Claims, string][] = [
      ['none, empty signature', { alg: 'none', typ: 'JWT' }, ''],
      ['None, empty signature', { alg: 'None', typ: 'JWT' }, ''],
      ['NONE with kid', { alg: 'NONE', typ: 'JWT', kid: serverKey.kid }, ''],
      ['none with a genuine signature', { alg: 'none', kid: serverKey.kid }, genuineSignature],
      ['none with junk signature', { alg: 'none' }, 'AAAA'],
    ]
    for (const [what, header, signature] of variants) {
      await assertUnauthorized(await me(forge(header, validClaims(), () => signature)), what)
    }
  })

  it('refuses HS256 tokens whose HMAC key is the server public key, in every form', async () => {
    const x = serverKey.x as string
    const publicKey = createPublicKey({ key: serverKey as NodeJsonWebKey, format: 'jwk' })
    const secrets: [string, string | Uint8Array][] = [
      ['JWK x (text)', x],
      ['raw public key bytes', Buffer.from(x, 'base64url')],
      ['JWK JSON', JSON.stringify(serverKey)],
      ['JWKS JSON', JSON.stringify(jwks)],
      ['SPKI PEM', publicKey.export({ type: 'spki', format: 'pem' }) as string],
      ['SPKI DER', publicKey.export({ type: 'spki', format: 'der' })],
    ]
    for (const [what, secret] of secrets) {
      for (const header of [
        { alg: 'HS256', typ: 'JWT', kid: serverKey.kid },
        { alg: 'HS256', typ: 'JWT' },
      ]) {
        const token = forge(header, validClaims(), hs256(secret))
        await assertUnauthorized(await me(token), `HS256 keyed with ${what}${'kid' in header ? ' + kid' : ''}`)
      }
    }
  })

  it("refuses a genuine token whose payload was changed (another user's sub, a later exp)", async () => {
    const [header, , signature] = ann.token.split('.') as [string, string, string]
    const tampered: [string, Claims][] = [
      ['sub of another user', { ...annClaims, sub: bob.user.id }],
      ['sub and email of another user', { ...annClaims, sub: bob.user.id, email: bob.user.email }],
      ['exp one day later', { ...annClaims, exp: (annClaims.exp as number) + 86_400 }],
    ]
    for (const [what, payload] of tampered) {
      const res = await me(`${header}.${b64url(JSON.stringify(payload))}.${signature}`)
      await assertUnauthorized(res, what)
    }
    // The untouched token still works: the refusals are the tampering's doing.
    assert.equal(await meId(await me(ann.token)), ann.user.id)
  })

  it('refuses tokens signed by another Ed25519 key, with the same kid, another kid, none, or an embedded jwk', async () => {
    const attacker = generateKeyPairSync('ed25519')
    const attackerJwk = await exportJWK(attacker.publicKey)
    const headers: [string, Claims][] = [
      ['same kid as the server key', { alg: 'EdDSA', typ: 'JWT', kid: serverKey.kid }],
      ['unknown kid', { alg: 'EdDSA', typ: 'JWT', kid: randomUUID() }],
      ['no kid', { alg: 'EdDSA', typ: 'JWT' }],
      [
        'embedded jwk and jku',
        { alg: 'EdDSA', typ: 'JWT', kid: 'attacker', jwk: attackerJwk, jku: 'http://127.0.0.1:9/jwks' },
      ],
    ]
    for (const [what, header] of headers) {
      const token = forge(header, validClaims(), ed25519(attacker.privateKey))
      // Well-formed and correctly signed, only by the wrong key:
      await jwtVerify(token, attacker.publicKey, {
        algorithms: ['EdDSA'],
        issuer: t.config.publicUrl,
        audience: t.config.publicUrl,
      })
      await assertUnauthorized(await me(token), what)
    }
  })
})

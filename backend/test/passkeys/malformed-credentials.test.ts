/**
 * API.md "Passkeys" and "Second factors": a `credential` that is not WebAuthn JSON (members
 * missing, not base64url, clientDataJSON not JSON, CBOR malformed) is 422 on the field
 * `credential`, at registration and at sign-in, and is not counted as a failed sign-in.
 * Unknown members inside the WebAuthn objects are ignored; the bodies around them are strict.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { isoBase64URL } from '@simplewebauthn/server/helpers'
import { assertProblem } from '../../testkit/problem.js'
import { BEHIND_PROXY } from '../support/account.js'
import { freshClient } from '../support/clients.js'
import { describeWithApp } from '../support/harness.js'
import type { AssertionJson, RegistrationJson } from './authenticator.js'
import {
  accountWithPasskey,
  addPasskey,
  newAccount,
  newAuthenticator,
  registrationOptions,
  signinOptions,
  verify,
} from './support.js'

const utf8 = (text: string) => isoBase64URL.fromUTF8String(text)
type Json = Record<string, unknown>

/** A copy of `credential` with `change` applied to it (or to its `response`). */
function changed<T extends RegistrationJson | AssertionJson>(credential: T, change: (c: Json, r: Json) => void): Json {
  const copy = structuredClone(credential) as unknown as Json
  change(copy, copy.response as Json)
  return copy
}

/** Ways a credential is not WebAuthn JSON, whichever ceremony it is for. */
const COMMON: [string, (c: Json, r: Json) => void][] = [
  ['no id', (c) => delete c.id],
  ['no rawId', (c) => delete c.rawId],
  ['no type', (c) => delete c.type],
  ['type other than public-key', (c) => (c.type = 'password')],
  ['no response', (c) => delete c.response],
  ['response is a string', (c) => (c.response = 'x')],
  ['id not base64url', (c) => (c.id = 'not base64url!')],
  ['id padded', (c) => (c.id = `${c.id}=`)],
  ['id empty', (c) => (c.id = '')],
  ['id a number', (c) => (c.id = 42)],
  ['no clientDataJSON', (_, r) => delete r.clientDataJSON],
  ['clientDataJSON not base64url', (_, r) => (r.clientDataJSON = 'ey+/=')],
  ['clientDataJSON not JSON', (_, r) => (r.clientDataJSON = utf8('{"type": "webauthn'))],
  ['clientDataJSON a JSON array', (_, r) => (r.clientDataJSON = utf8('[1, 2]'))],
  ['clientDataJSON without a challenge', (_, r) => (r.clientDataJSON = utf8('{"type":"webauthn.get","origin":"x"}'))],
  [
    'clientDataJSON with crossOrigin a string',
    (_, r) => (r.clientDataJSON = utf8('{"type":"a","challenge":"b","origin":"c","crossOrigin":"yes"}')),
  ],
]

describeWithApp('credentials that are not WebAuthn JSON', BEHIND_PROXY, (t) => {
  const REGISTRATION: [string, (c: Json, r: Json) => void][] = [
    ...COMMON,
    ['no attestationObject', (_, r) => delete r.attestationObject],
    ['attestationObject not base64url', (_, r) => (r.attestationObject = '%%%')],
    ['attestationObject not CBOR', (_, r) => (r.attestationObject = '____')],
    ['attestationObject a CBOR number', (_, r) => (r.attestationObject = 'GGQ')],
    ['attestationObject cut short', (_, r) => (r.attestationObject = (r.attestationObject as string).slice(0, 60))],
    ['transports not a list', (_, r) => (r.transports = 'usb')],
  ]
  for (const [what, change] of REGISTRATION) {
    it(`registration, ${what}: 422 on credential`, async () => {
      const account = await newAccount(t)
      const credential = newAuthenticator(t).register(await registrationOptions(t, account))
      const res = await addPasskey(t, account, { credential: changed(credential, change) })
      await assertProblem(res, 422, { fields: ['credential'], what })
    })
  }

  const SIGNIN: [string, (c: Json, r: Json) => void][] = [
    ...COMMON,
    ['no authenticatorData', (_, r) => delete r.authenticatorData],
    ['authenticatorData shorter than 37 bytes', (_, r) => (r.authenticatorData = 'AAAA')],
    ['authenticatorData with bytes left over', (_, r) => (r.authenticatorData = `${r.authenticatorData}AA`)],
    ['no signature', (_, r) => delete r.signature],
    ['signature not base64url', (_, r) => (r.signature = 'a b')],
    ['userHandle not base64url', (_, r) => (r.userHandle = '***')],
  ]
  for (const [what, change] of SIGNIN) {
    it(`sign-in, ${what}: 422 on credential`, async () => {
      const { authenticator } = await accountWithPasskey(t)
      const assertion = authenticator.assert(await signinOptions(t))
      await assertProblem(await verify(t, changed(assertion, change)), 422, { fields: ['credential'], what })
    })
  }

  it('a missing or non-object credential is 422 on credential; an unknown member beside it is 422 on that member', async () => {
    for (const body of [{}, { credential: null }, { credential: 'abc' }, { credential: [] }]) {
      await assertProblem(await verifyRaw(body), 422, {
        fields: ['credential'],
        what: JSON.stringify(body),
      })
    }
    const { authenticator } = await accountWithPasskey(t)
    const assertion = authenticator.assert(await signinOptions(t))
    await assertProblem(await verifyRaw({ credential: assertion, email: 'x@example.com' }), 422, {
      fields: ['email'],
    })
  })

  /** POSTs `body` itself to the verify route. */
  function verifyRaw(body: unknown) {
    return t.fetch('/api/auth/passkey/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...freshClient().headers },
      body: JSON.stringify(body),
    })
  }

  it('registration lists every bad field: the credential and the name', async () => {
    const account = await newAccount(t)
    const res = await addPasskey(t, account, { credential: { id: 'x' }, name: '' })
    await assertProblem(res, 422, { fields: ['credential', 'name'] })
  })

  it('unknown members inside the WebAuthn objects are ignored, at registration and at sign-in', async () => {
    const account = await newAccount(t)
    const authenticator = newAuthenticator(t)
    const credential = changed(authenticator.register(await registrationOptions(t, account)), (c, r) => {
      c.someFutureMember = { nested: true }
      r.publicKeyAlgorithm = -7
      r.authenticatorData = 'AAAA'
    })
    assert.equal((await addPasskey(t, account, { credential })).status, 201)
    const assertion = changed(authenticator.assert(await signinOptions(t)), (c, r) => {
      c.authenticatorAttachment = null
      c.clientExtensionResults = { appid: false }
      r.someFutureMember = 'x'
    })
    assert.equal((await verify(t, assertion)).status, 200)
  })

  it('a malformed credential is not processed: the challenge it names still works', async () => {
    const client = freshClient()
    const { authenticator } = await accountWithPasskey(t)
    const assertion = authenticator.assert(await signinOptions(t, client))
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (
          await verify(
            t,
            changed(assertion, (c) => delete c.id),
            client,
          )
        ).status,
        422,
      )
    }
    assert.equal((await verify(t, assertion, client)).status, 200, 'the challenge was not used up either')
  })
})

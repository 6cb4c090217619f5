/**
 * A software authenticator for the passkey tests: real WebAuthn registration (`fmt: "none"`)
 * and assertion responses, in the browser's JSON, signed with node:crypto keys. Every field a
 * relying party checks can be chosen, so each test can forge exactly one thing wrong. CBOR is
 * encoded with SimpleWebAuthn's own encoder (tests may encode; the product only decodes, and
 * only through the library).
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto'
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers'

export type Algorithm = 'ES256' | 'EdDSA' | 'ES384'

export type Flags = { up: boolean; uv: boolean; be: boolean; bs: boolean; at: boolean }

/** What a test may change in one response: anything the relying party is meant to check. */
export type Forgery = {
  type?: string
  challenge?: string
  origin?: string
  crossOrigin?: boolean
  topOrigin?: string
  rpId?: string
  flags?: Partial<Flags>
  /** The sign count sent, instead of the authenticator's next one. */
  counter?: number
  /** `null`: no userHandle member at all. */
  userHandle?: string | null
  /** The id in the JSON (`id` and `rawId`), instead of the credential's own. */
  jsonId?: string
  /** Signs with this key instead of the credential's. */
  signingKey?: KeyObject
  /** Flips a bit of the signature. */
  badSignature?: boolean
  fmt?: string
}

export type CreationOptionsJson = {
  challenge: string
  rp: { id: string; name: string }
  user: { id: string; name: string; displayName: string }
  [member: string]: unknown
}
export type RequestOptionsJson = { challenge: string; rpId: string; [member: string]: unknown }

export type RegistrationJson = {
  id: string
  rawId: string
  type: 'public-key'
  response: { clientDataJSON: string; attestationObject: string; transports: string[] }
  clientExtensionResults: Record<string, unknown>
  authenticatorAttachment: string
}

export type AssertionJson = {
  id: string
  rawId: string
  type: 'public-key'
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string }
  clientExtensionResults: Record<string, unknown>
  authenticatorAttachment: string
}

type Bytes = Uint8Array<ArrayBuffer>
type Cbor = Parameters<typeof isoCBOR.encode>[0]

const b64 = (bytes: Bytes) => isoBase64URL.fromBuffer(bytes)
const sha256 = (data: Uint8Array | string): Bytes => new Uint8Array(createHash('sha256').update(data).digest())

const COSE = {
  ES256: { kty: 2, alg: -7, crv: 1, curve: 'P-256', hash: 'sha256' },
  ES384: { kty: 2, alg: -35, crv: 2, curve: 'P-384', hash: 'sha384' },
  EdDSA: { kty: 1, alg: -8, crv: 6, curve: 'Ed25519', hash: null },
} as const

export class SoftAuthenticator {
  readonly algorithm: Algorithm
  readonly credentialId: Bytes
  readonly origin: string
  /** Flags sent unless a forgery says otherwise: a synced passkey when `backupEligible`. */
  readonly flags: Flags
  /** The stored count; each response sends the next (`counterStep` later; 0 keeps it at 0). */
  counter: number
  counterStep: number
  /** Learnt at registration, as a real authenticator stores it with the key. */
  userHandle: string | undefined
  private readonly keys: { publicKey: KeyObject; privateKey: KeyObject }

  constructor(
    options: {
      origin: string
      algorithm?: Algorithm
      backupEligible?: boolean
      counter?: number
      counterStep?: number
      credentialIdBytes?: number
    } = { origin: '' },
  ) {
    this.origin = options.origin
    this.algorithm = options.algorithm ?? 'ES256'
    this.credentialId = new Uint8Array(randomBytes(options.credentialIdBytes ?? 32))
    const backupEligible = options.backupEligible ?? false
    this.flags = { up: true, uv: true, be: backupEligible, bs: backupEligible, at: true }
    this.counter = options.counter ?? 0
    this.counterStep = options.counterStep ?? 1
    this.keys =
      this.algorithm === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: COSE[this.algorithm].curve })
  }

  get id(): string {
    return b64(this.credentialId)
  }

  /** `navigator.credentials.create()` answered, then `toJSON()`. */
  register(options: CreationOptionsJson, forgery: Forgery = {}): RegistrationJson {
    this.userHandle = options.user.id
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, forgery)
    const authData = this.authenticatorData(forgery.rpId ?? options.rp.id, forgery, true)
    const attestationObject = isoCBOR.encode(
      new Map<string, Cbor>([
        ['fmt', forgery.fmt ?? 'none'],
        ['attStmt', new Map<string, Cbor>()],
        ['authData', authData],
      ]),
    )
    const id = forgery.jsonId ?? this.id
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64(clientDataJSON),
        attestationObject: b64(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    }
  }

  /** `navigator.credentials.get()` answered, then `toJSON()`. */
  assert(options: RequestOptionsJson, forgery: Forgery = {}): AssertionJson {
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, forgery)
    const authData = this.authenticatorData(forgery.rpId ?? options.rpId, forgery, false)
    const signed = new Uint8Array([...authData, ...sha256(clientDataJSON)])
    const signature = this.sign(signed, forgery.signingKey ?? this.keys.privateKey)
    if (forgery.badSignature) signature[signature.length - 1] = (signature.at(-1) as number) ^ 1
    const userHandle = forgery.userHandle === undefined ? this.userHandle : forgery.userHandle
    const id = forgery.jsonId ?? this.id
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authData),
        signature: b64(signature),
        ...(userHandle === null || userHandle === undefined ? {} : { userHandle }),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    }
  }

  /** Another key of the same algorithm: what a forger who lacks this one would sign with. */
  otherKey(): KeyObject {
    return this.algorithm === 'EdDSA'
      ? generateKeyPairSync('ed25519').privateKey
      : generateKeyPairSync('ec', { namedCurve: COSE[this.algorithm].curve }).privateKey
  }

  private clientData(type: string, challenge: string, forgery: Forgery): Bytes {
    const data: Record<string, unknown> = {
      type: forgery.type ?? type,
      challenge: forgery.challenge ?? challenge,
      origin: forgery.origin ?? this.origin,
      crossOrigin: forgery.crossOrigin ?? false,
    }
    if (forgery.topOrigin !== undefined) data.topOrigin = forgery.topOrigin
    return new TextEncoder().encode(JSON.stringify(data))
  }

  private authenticatorData(rpId: string, forgery: Forgery, attested: boolean): Bytes {
    const flags = { ...this.flags, at: attested, ...forgery.flags }
    const byte =
      (flags.up ? 0x01 : 0) |
      (flags.uv ? 0x04 : 0) |
      (flags.be ? 0x08 : 0) |
      (flags.bs ? 0x10 : 0) |
      (flags.at ? 0x40 : 0)
    let counter = forgery.counter
    if (counter === undefined) {
      this.counter += this.counterStep
      counter = this.counter
    }
    const head = new Uint8Array(37)
    head.set(sha256(rpId), 0)
    head[32] = byte
    new DataView(head.buffer).setUint32(33, counter, false)
    if (!flags.at) return head
    const idLength = new Uint8Array(2)
    new DataView(idLength.buffer).setUint16(0, this.credentialId.length, false)
    return new Uint8Array([...head, ...new Uint8Array(16), ...idLength, ...this.credentialId, ...this.coseKey()])
  }

  private coseKey(): Bytes {
    const cose = COSE[this.algorithm]
    const jwk = this.keys.publicKey.export({ format: 'jwk' })
    const key = new Map<number, Cbor>([
      [1, cose.kty],
      [3, cose.alg],
      [-1, cose.crv],
      [-2, new Uint8Array(Buffer.from(jwk.x as string, 'base64url'))],
    ])
    if (jwk.y) key.set(-3, new Uint8Array(Buffer.from(jwk.y, 'base64url')))
    return isoCBOR.encode(key)
  }

  private sign(data: Bytes, key: KeyObject): Bytes {
    const { hash } = COSE[this.algorithm]
    // WebAuthn's ECDSA signatures are DER (§6.5.5), node's default encoding.
    return new Uint8Array(hash ? sign(hash, data, { key, dsaEncoding: 'der' }) : sign(null, data, key))
  }
}

/**
 * Taskwell as a WebAuthn relying party (API.md "Passkeys"): the options a browser is given and
 * the checks of what it answers (WebAuthn §7.1 and §7.2), around SimpleWebAuthn, which does
 * every decoding and every signature. No database here: the callers bring the challenge they
 * consumed and the stored passkey, and apply the rules that need rows (challenge owner, sign
 * counter, duplicates).
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server'
import { isoBase64URL } from '@simplewebauthn/server/helpers'
import type { Config } from '../../config.js'
import {
  type AuthenticationResponse,
  type CreationOptions,
  type RegistrationResponse,
  type RequestOptions,
  readClientData,
} from './credential-json.js'

export const RP_NAME = 'Taskwell'
/** ES256, EdDSA, RS256 (API.md); in the order the browser should prefer them. */
export const OFFERED_ALGORITHMS = [-7, -8, -257]
/** WebAuthn §7.1 step 23: longer credential ids are refused. */
export const MAX_CREDENTIAL_ID_BYTES = 1023

/** A passing check with what it learnt, or a failing one with why (for the log, never the client). */
export type Verdict<T> = { ok: true; value: T } | { ok: false; reason: string }

export type RegisteredKey = {
  credentialId: string
  /** The COSE public key, base64url. */
  publicKey: string
  counter: number
  backupEligible: boolean
  backedUp: boolean
  transports: string[]
}

export type Assertion = { counter: number; backedUp: boolean }

export type StoredKey = { credentialId: string; publicKey: string; backupEligible: boolean }

export type RelyingParty = {
  readonly rpId: string
  registrationOptions(input: {
    userHandle: string
    email: string
    name: string
    exclude: { credentialId: string; transports: string[] }[]
  }): Promise<CreationOptions>
  authenticationOptions(): Promise<RequestOptions>
  verifyRegistration(credential: RegistrationResponse, challenge: string): Promise<Verdict<RegisteredKey>>
  verifyAuthentication(
    credential: AuthenticationResponse,
    challenge: string,
    stored: StoredKey,
  ): Promise<Verdict<Assertion>>
}

const fail = (reason: string) => ({ ok: false, reason }) as const
const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err))

export function createRelyingParty(
  config: Pick<Config, 'passkeyRpId' | 'publicUrl' | 'authChallengeTtlSeconds'>,
): RelyingParty {
  const rpId = config.passkeyRpId
  const origin = new URL(config.publicUrl).origin
  // The browser may wait as long as the challenge lives, no longer.
  const timeout = config.authChallengeTtlSeconds * 1000

  /**
   * SimpleWebAuthn lets `crossOrigin: true` through when `topOrigin` is missing (Safari sends
   * none); a page of ours is never framed by another site, so any cross-origin call is refused.
   */
  const sameOriginCall = (clientDataJSON: string) => {
    const data = readClientData(clientDataJSON)
    return data !== null && data.crossOrigin !== true && data.topOrigin === undefined
  }

  return {
    rpId,

    async registrationOptions({ userHandle, email, name, exclude }) {
      const options = await generateRegistrationOptions({
        rpName: RP_NAME,
        rpID: rpId,
        userID: isoBase64URL.toBuffer(userHandle),
        userName: email,
        userDisplayName: name,
        timeout,
        attestationType: 'none',
        supportedAlgorithmIDs: OFFERED_ALGORITHMS,
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
        excludeCredentials: exclude.map((k) => ({ id: k.credentialId, transports: k.transports })),
      })
      return {
        rp: { id: rpId, name: RP_NAME },
        user: options.user,
        challenge: options.challenge,
        pubKeyCredParams: options.pubKeyCredParams.map((p) => ({ alg: p.alg, type: 'public-key' as const })),
        timeout,
        attestation: 'none',
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
        excludeCredentials: (options.excludeCredentials ?? []).map((d) => ({
          id: d.id,
          type: 'public-key' as const,
          ...(d.transports?.length ? { transports: [...d.transports] } : {}),
        })),
        // Asks the browser whether the key really is discoverable (WebAuthn §10.1.3).
        extensions: { credProps: true },
      }
    },

    async authenticationOptions() {
      const options = await generateAuthenticationOptions({
        rpID: rpId,
        userVerification: 'required',
        allowCredentials: [],
        timeout,
      })
      return { challenge: options.challenge, rpId, timeout, userVerification: 'required', allowCredentials: [] }
    },

    async verifyRegistration(credential, challenge) {
      if (!sameOriginCall(credential.response.clientDataJSON)) return fail('cross-origin call')
      let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>
      try {
        result = await verifyRegistrationResponse({
          response: {
            id: credential.id,
            rawId: credential.rawId,
            type: credential.type,
            response: {
              clientDataJSON: credential.response.clientDataJSON,
              attestationObject: credential.response.attestationObject,
            },
            clientExtensionResults: {},
          },
          expectedChallenge: challenge,
          expectedOrigin: origin,
          expectedRPID: rpId,
          expectedType: 'webauthn.create',
          requireUserPresence: true,
          requireUserVerification: true,
          supportedAlgorithmIDs: OFFERED_ALGORITHMS,
        })
      } catch (err) {
        return fail(reasonOf(err))
      }
      if (!result.verified) return fail('attestation not verified')
      const info = result.registrationInfo
      const key = info.credential
      // The id the browser will send at sign-in must be the one the authenticator attested.
      if (key.id !== credential.id) return fail('credential id differs from the attested one')
      if (isoBase64URL.toBuffer(key.id).byteLength > MAX_CREDENTIAL_ID_BYTES) return fail('credential id too long')
      return {
        ok: true,
        value: {
          credentialId: key.id,
          publicKey: isoBase64URL.fromBuffer(key.publicKey),
          counter: key.counter,
          backupEligible: info.credentialDeviceType === 'multiDevice',
          backedUp: info.credentialBackedUp,
          transports: credential.response.transports ?? [],
        },
      }
    },

    async verifyAuthentication(credential, challenge, stored) {
      if (!sameOriginCall(credential.response.clientDataJSON)) return fail('cross-origin call')
      let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>
      try {
        result = await verifyAuthenticationResponse({
          response: {
            id: credential.id,
            rawId: credential.rawId,
            type: credential.type,
            response: {
              clientDataJSON: credential.response.clientDataJSON,
              authenticatorData: credential.response.authenticatorData,
              signature: credential.response.signature,
            },
            clientExtensionResults: {},
          },
          expectedChallenge: challenge,
          expectedOrigin: origin,
          expectedRPID: rpId,
          expectedType: 'webauthn.get',
          requireUserVerification: true,
          // The library compares counters before it checks the signature; the caller applies the
          // counter rule once the signature is known to be good (see sign-in.ts).
          credential: { id: stored.credentialId, publicKey: isoBase64URL.toBuffer(stored.publicKey), counter: 0 },
        })
      } catch (err) {
        return fail(reasonOf(err))
      }
      if (!result.verified) return fail('signature not verified')
      const info = result.authenticationInfo
      const backupEligible = info.credentialDeviceType === 'multiDevice'
      // A key cannot become (or stop being) syncable: a change means another authenticator.
      if (backupEligible !== stored.backupEligible) return fail('backup eligibility changed since registration')
      return { ok: true, value: { counter: info.newCounter, backedUp: info.credentialBackedUp } }
    },
  }
}

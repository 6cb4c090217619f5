/**
 * Signing in with a passkey, usernameless (API.md "Passkeys", WebAuthn §7.2): options with a
 * challenge bound to no one, then the assertion checked against that challenge and the passkey
 * it names. The caller answers every refusal the same way, so nothing tells which check failed
 * or which credential ids exist.
 */
import type { Db } from '../../db/client.js'
import { consumeChallenge, storeChallenge } from './challenges.js'
import { type AuthenticationResponse, type RequestOptions, readClientData } from './credential-json.js'
import type { RelyingParty } from './relying-party.js'
import { findPasskeyForSignin, markUsed, recordAssertion } from './store.js'

export type SigninOutcome =
  | { outcome: 'verified'; userId: string; passkeyId: string; backupEligible: boolean }
  /** A genuine signature with a sign count that did not move forward: maybe a cloned key. */
  | { outcome: 'clone-suspected'; userId: string; passkeyId: string }
  | { outcome: 'refused'; reason: string }

export type SigninCeremony = {
  /** Options for `navigator.credentials.get()`, and until when they can be answered. */
  options(): Promise<{ options: RequestOptions; expiresAt: Date }>
  verify(credential: AuthenticationResponse): Promise<SigninOutcome>
  /** The sign-in made its session: the passkey's `last_used_at` moves. */
  used(passkeyId: string): Promise<void>
}

const refused = (reason: string) => ({ outcome: 'refused', reason }) as const

export function signinCeremony({
  db,
  rp,
  ttlSeconds,
}: {
  db: Db
  rp: RelyingParty
  ttlSeconds: number
}): SigninCeremony {
  return {
    async options() {
      const options = await rp.authenticationOptions()
      const expiresAt = await storeChallenge(db, {
        challenge: options.challenge,
        purpose: 'authentication',
        userId: null,
        ttlSeconds,
      })
      return { options, expiresAt }
    },

    async verify(credential) {
      const clientData = readClientData(credential.response.clientDataJSON)
      if (!clientData) return refused('client data unreadable')
      // Used up first, whatever fails after: an assertion cannot be tried again with the same challenge.
      const challenge = await consumeChallenge(db, clientData.challenge)
      if (challenge?.purpose !== 'authentication') return refused('unknown, used or foreign challenge')
      if (!challenge.live) return refused('challenge expired')

      const found = await findPasskeyForSignin(db, credential.id)
      if (!found) return refused('unknown credential')
      const { row, userHandle } = found
      // Discoverable credentials say whose they are; it must be the owner of this one.
      if (credential.response.userHandle !== userHandle) return refused('user handle missing or not the owner')

      const verdict = await rp.verifyAuthentication(credential, clientData.challenge, row)
      if (!verdict.ok) return refused(verdict.reason)
      if (!(await recordAssertion(db, row.id, verdict.value))) {
        return { outcome: 'clone-suspected', userId: row.userId, passkeyId: row.id }
      }
      return { outcome: 'verified', userId: row.userId, passkeyId: row.id, backupEligible: row.backupEligible }
    },

    used: (passkeyId) => markUsed(db, passkeyId),
  }
}

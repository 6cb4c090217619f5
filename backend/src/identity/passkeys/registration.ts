/**
 * Adding a passkey to a signed-in account (API.md "Passkeys", WebAuthn §7.1): options with a
 * challenge bound to the user, then the browser's answer checked against that challenge and
 * stored. The route has already re-checked the password before `begin`.
 */
import type { Db } from '../../db/client.js'
import { consumeChallenge, storeChallenge } from './challenges.js'
import { type CreationOptions, type RegistrationResponse, readClientData } from './credential-json.js'
import type { RelyingParty } from './relying-party.js'
import { addPasskey, listPasskeys, type PasskeyRow, webauthnUserOf } from './store.js'

export type RegistrationOutcome =
  | { outcome: 'added'; passkey: PasskeyRow }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'duplicate' | 'too-many' }

export type RegistrationCeremony = {
  /** Options for `navigator.credentials.create()`, and until when they can be answered; null when the user is gone. */
  begin(userId: string, email: string): Promise<{ options: CreationOptions; expiresAt: Date } | null>
  finish(userId: string, credential: RegistrationResponse, name: string): Promise<RegistrationOutcome>
}

export function registrationCeremony({
  db,
  rp,
  ttlSeconds,
}: {
  db: Db
  rp: RelyingParty
  ttlSeconds: number
}): RegistrationCeremony {
  return {
    async begin(userId, email) {
      const account = await webauthnUserOf(db, userId)
      if (!account) return null
      // Excluded, so the browser says at once that this authenticator is registered already.
      const exclude = await listPasskeys(db, userId)
      const options = await rp.registrationOptions({ userHandle: account.handle, email, name: account.name, exclude })
      const expiresAt = await storeChallenge(db, {
        challenge: options.challenge,
        purpose: 'registration',
        userId,
        ttlSeconds,
      })
      return { options, expiresAt }
    },

    async finish(userId, credential, name) {
      const clientData = readClientData(credential.response.clientDataJSON)
      if (!clientData) return { outcome: 'refused', reason: 'client data unreadable' }
      // Used up first, whatever fails after: an answer cannot be tried again with the same challenge.
      const challenge = await consumeChallenge(db, clientData.challenge)
      if (!challenge) return { outcome: 'refused', reason: 'unknown or used challenge' }
      if (challenge.purpose !== 'registration' || challenge.userId !== userId) {
        return { outcome: 'refused', reason: 'challenge issued for something else' }
      }
      if (!challenge.live) return { outcome: 'refused', reason: 'challenge expired' }
      const verdict = await rp.verifyRegistration(credential, clientData.challenge)
      if (!verdict.ok) return { outcome: 'refused', reason: verdict.reason }
      const added = await addPasskey(db, userId, verdict.value, name)
      return added.outcome === 'added' ? { outcome: 'added', passkey: added.row } : added
    },
  }
}

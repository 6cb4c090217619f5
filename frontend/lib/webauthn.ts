/**
 * The browser's side of passkeys, through @simplewebauthn/browser. The API sends the WebAuthn
 * options as the browser's own JSON and takes the credential back the same way (API.md
 * "Second factors"), so they pass through here untouched.
 */
import {
  browserSupportsWebAuthn,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser'
import type { PasskeyRegistrationOptions, PasskeySignInOptions } from './types'

/** Whether this browser has WebAuthn at all (false on the server and in old browsers). */
export const webAuthnSupported = (): boolean => typeof window !== 'undefined' && browserSupportsWebAuthn()

// The API's options are WebAuthn's own JSON; its schema types `transports` as plain strings where
// the library names each transport, hence the casts.

/** The browser's prompt for a sign-in: any passkey of this site (no email typed). */
export const passkeySignInCredential = (options: PasskeySignInOptions['options']) =>
  startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON })

/** The browser's prompt to create a passkey. */
export const passkeyRegistrationCredential = (options: PasskeyRegistrationOptions['options']) =>
  startRegistration({ optionsJSON: options as PublicKeyCredentialCreationOptionsJSON })

/** The name of what was thrown: the browser's DOMException names survive @simplewebauthn's wrapping. */
const errorName = (err: unknown) =>
  typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : undefined

/**
 * The person closed the prompt, or let it time out. Browsers give both the one name on purpose
 * (NotAllowedError: nothing tells a site whether a passkey exists), so neither is an error to show.
 */
export const wasCancelled = (err: unknown): boolean => {
  const name = errorName(err)
  return name === 'NotAllowedError' || name === 'AbortError'
}

/** The authenticator holds a passkey of this account already (`excludeCredentials` matched). */
export const alreadyRegistered = (err: unknown): boolean => errorName(err) === 'InvalidStateError'

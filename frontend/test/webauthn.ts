/**
 * A stand-in for @simplewebauthn/browser: the browser's prompts are spies a test answers, and
 * whether the browser "has WebAuthn" is a switch. Use it with
 * `vi.mock('@simplewebauthn/browser', () => import('@/test/webauthn'))` in the test file.
 */
import { vi } from 'vitest'

export const webauthn = { supported: true }

export const browserSupportsWebAuthn = () => webauthn.supported
export const startAuthentication = vi.fn()
export const startRegistration = vi.fn()

/** What a browser throws when its prompt was closed or timed out. */
export const cancelled = () =>
  Object.assign(new Error('The operation either timed out or was not allowed.'), { name: 'NotAllowedError' })

/** An AuthenticationResponseJSON as a browser returns it (the API checks it; the page passes it along). */
export const ASSERTION = {
  id: 'cred-1',
  rawId: 'cred-1',
  type: 'public-key',
  response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA', userHandle: 'dXNlcg' },
  clientExtensionResults: {},
}

/** A RegistrationResponseJSON as a browser returns it. */
export const ATTESTATION = {
  id: 'cred-2',
  rawId: 'cred-2',
  type: 'public-key',
  response: { clientDataJSON: 'e30', attestationObject: 'AA', transports: ['internal'] },
  clientExtensionResults: {},
}

/** Resets the spies and the switch; call in beforeEach. */
export function resetWebAuthn() {
  webauthn.supported = true
  startAuthentication.mockReset()
  startRegistration.mockReset()
}

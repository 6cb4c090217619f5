/** Signing in, up and out, and who is signed in (API.md "Auth"); the AuthProvider is the caller. */
import { api } from './api'
import type {
  AuthResult,
  MfaRequired,
  PasskeySignInOptions,
  SecondFactorProof,
  SignInResult,
  SignUpInput,
  SignUpResult,
  User,
} from './types'
import { passkeySignInCredential } from './webauthn'

/** The signed-in user; renews the access token from the session cookie first (lib/api.ts). */
export const fetchMe = () => api<{ user: User }>('/api/me').then(({ user }) => user)

/** The password step: credentials, or (TOTP on) an `mfa_token` for the second step. */
export const signIn = (email: string, password: string) =>
  api<SignInResult>('/api/auth/signin', { method: 'POST', body: { email, password }, anonymous: true })

export const isMfaRequired = (result: SignInResult): result is MfaRequired => 'mfa_required' in result

/** The second step of a password sign-in (API.md "Password sign-in with TOTP on"). */
export const signInSecondFactor = (mfaToken: string, proof: SecondFactorProof) =>
  api<AuthResult>('/api/auth/signin/2fa', { method: 'POST', body: { mfa_token: mfaToken, ...proof }, anonymous: true })

/**
 * A usernameless passkey sign-in: options from the API, the browser's prompt, the answer
 * verified. A cancelled prompt rejects with the browser's error (see `wasCancelled`).
 */
export async function signInWithPasskey(): Promise<AuthResult> {
  const { options } = await api<PasskeySignInOptions>('/api/auth/passkey/options', {
    method: 'POST',
    body: {},
    anonymous: true,
  })
  const credential = await passkeySignInCredential(options)
  return api<AuthResult>('/api/auth/passkey/verify', { method: 'POST', body: { credential }, anonymous: true })
}

export const signUp = (input: SignUpInput) =>
  api<SignUpResult>('/api/auth/signup', { method: 'POST', body: input, anonymous: true })

export const signOut = () => api<void>('/api/auth/signout', { method: 'POST' })

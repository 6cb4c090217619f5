/** The signed-in user's TOTP and recovery codes (API.md "TOTP (RFC 6238) and recovery codes"). */
import { api } from './api'
import type { RecoveryCodes, SecondFactorProof, TotpEnrolment, TwoFactorStatus } from './types'

export const getTwoFactorStatus = (signal?: AbortSignal) => api<TwoFactorStatus>('/api/me/2fa', { signal })

/** A new secret to scan, pending until confirmed with a code (10 minutes; beginning again replaces it). */
export const beginTotp = (password: string) =>
  api<TotpEnrolment>('/api/me/2fa/totp', { method: 'POST', body: { password } })

/** Turns TOTP on and signs out every other session; resolves to the recovery codes, shown this once. */
export const confirmTotp = (code: string) =>
  api<{ recovery_codes: RecoveryCodes }>('/api/me/2fa/totp/confirm', { method: 'POST', body: { code } }).then(
    ({ recovery_codes }) => recovery_codes,
  )

/** A new set of recovery codes; every older one stops working. */
export const regenerateRecoveryCodes = (password: string, proof: SecondFactorProof) =>
  api<{ recovery_codes: RecoveryCodes }>('/api/me/2fa/recovery-codes', {
    method: 'POST',
    body: { password, ...proof },
  }).then(({ recovery_codes }) => recovery_codes)

/** Turns TOTP off (secret and recovery codes deleted); no session is signed out. */
export const disableTotp = (password: string, proof: SecondFactorProof) =>
  api<void>('/api/me/2fa/totp', { method: 'DELETE', body: { password, ...proof } })

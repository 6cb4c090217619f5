/**
 * The routes behind the links Taskwell mails (decision 009): verifying an address and
 * resetting a forgotten password. None needs a session, so none sends or renews one.
 */
import { api } from './api'
import type { User } from './types'

const post = <T>(path: string, body: object) => api<T>(path, { method: 'POST', body, anonymous: true })

/** Marks the address in the link as verified (verifying twice is fine); 422 on `token` when the link is bad. */
export const verifyEmail = (token: string) =>
  post<{ user: User }>('/api/auth/verify-email', { token }).then(({ user }) => user)

/** Sends a new verification link if the account exists and still needs one; the answer never says which. */
export const resendVerification = (email: string) =>
  post<{ detail: string }>('/api/auth/verify-email/resend', { email })

/** Sends a reset link if the account exists; the answer never says which. */
export const requestPasswordReset = (email: string) => post<{ detail: string }>('/api/auth/password-reset', { email })

/** Sets a new password and signs the account out everywhere; 422 on `token` when the link is bad, expired or used. */
export const confirmPasswordReset = (token: string, newPassword: string) =>
  post<void>('/api/auth/password-reset/confirm', { token, new_password: newPassword })

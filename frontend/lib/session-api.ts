/** Signing in, up and out, and who is signed in (API.md "Auth"); the AuthProvider is the caller. */
import { api } from './api'
import type { AuthResult, SignUpInput, SignUpResult, User } from './types'

/** The signed-in user; renews the access token from the session cookie first (lib/api.ts). */
export const fetchMe = () => api<{ user: User }>('/api/me').then(({ user }) => user)

export const signIn = (email: string, password: string) =>
  api<AuthResult>('/api/auth/signin', { method: 'POST', body: { email, password }, anonymous: true })

export const signUp = (input: SignUpInput) =>
  api<SignUpResult>('/api/auth/signup', { method: 'POST', body: input, anonymous: true })

export const signOut = () => api<void>('/api/auth/signout', { method: 'POST' })

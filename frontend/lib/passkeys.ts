/** The signed-in user's passkeys (API.md "Passkeys (WebAuthn Level 2/3)"). */
import { api } from './api'
import type { Passkey, PasskeyRegistrationOptions } from './types'
import { passkeyRegistrationCredential } from './webauthn'

/** Newest first. */
export const listPasskeys = (signal?: AbortSignal) =>
  api<{ items: Passkey[] }>('/api/me/passkeys', { signal }).then(({ items }) => items)

/**
 * Adds a passkey: the password (a stolen session must not add a way in), the browser's prompt,
 * then the new credential with its name. A cancelled prompt rejects with the browser's error.
 */
export async function addPasskey(password: string, name: string): Promise<Passkey> {
  const { options } = await api<PasskeyRegistrationOptions>('/api/me/passkeys/options', {
    method: 'POST',
    body: { password },
  })
  const credential = await passkeyRegistrationCredential(options)
  return api<Passkey>('/api/me/passkeys', { method: 'POST', body: { credential, name } })
}

export const renamePasskey = (id: string, name: string) =>
  api<Passkey>(`/api/me/passkeys/${encodeURIComponent(id)}`, { method: 'PATCH', body: { name } })

/** It stops signing in; sessions, TOTP and other passkeys stay. */
export const deletePasskey = (id: string) =>
  api<void>(`/api/me/passkeys/${encodeURIComponent(id)}`, { method: 'DELETE' })

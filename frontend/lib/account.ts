/** The signed-in user's own account (decision 009, `/api/me`). */
import { api } from './api'
import type { SecurityEvent, Session, User } from './types'

export const updateName = (name: string) =>
  api<{ user: User }>('/api/me', { method: 'PATCH', body: { name } }).then(({ user }) => user)

/** Keeps this session and signs out every other one. */
export const changePassword = (currentPassword: string, newPassword: string) =>
  api<void>('/api/me/password', {
    method: 'PUT',
    body: { current_password: currentPassword, new_password: newPassword },
  })

/** Deletes the user, their tasks and sessions; the answer clears the session cookie. */
export const deleteAccount = (password: string) => api<void>('/api/me', { method: 'DELETE', body: { password } })

/** A page of the session list: pass `next_cursor` back for the next one (null: no more). */
export type SessionPage = { items: Session[]; next_cursor: string | null }

/** Unexpired sessions, most recently used first, a page at a time (decision 019). */
export const listSessions = (signal?: AbortSignal, cursor?: string) =>
  api<SessionPage>(cursor ? `/api/me/sessions?cursor=${encodeURIComponent(cursor)}` : '/api/me/sessions', { signal })

export const revokeSession = (id: string) =>
  api<void>(`/api/me/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' })

/** Signs out every session but this one; resolves to how many were signed out. */
export const revokeOtherSessions = () =>
  api<{ revoked: number }>('/api/me/sessions/revoke-others', { method: 'POST' }).then(({ revoked }) => revoked)

/** The account's security events, newest first. */
export const listSecurityEvents = (limit = 20, signal?: AbortSignal) =>
  api<{ items: SecurityEvent[] }>(`/api/me/events?limit=${limit}`, { signal }).then(({ items }) => items)

/**
 * Opaque cursors of GET /api/me/sessions (decision 019): the last listed session's last use
 * (milliseconds, as `toISOString` writes it) and id, in base64url JSON, as the task list's are.
 */
import { isCursorInstant, isCursorText } from '../http/cursor-values.js'
import type { SessionPagePosition } from '../identity/sessions.js'

export function encodeSessionCursor(position: SessionPagePosition): string {
  return Buffer.from(JSON.stringify([position.lastUsedAt, position.id])).toString('base64url')
}

/** The position, or undefined when the text is not a cursor we made. */
export function decodeSessionCursor(text: string): SessionPagePosition | undefined {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined
  const [lastUsedAt, id] = value as unknown[]
  if (!isCursorText(id) || !isCursorInstant(lastUsedAt)) return undefined
  return { lastUsedAt, id }
}

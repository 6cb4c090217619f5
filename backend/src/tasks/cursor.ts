/**
 * Opaque keyset cursors: the sort, the order and the last item's (key, id), in base64url
 * JSON. A cursor is only valid for the sort and order it was made for.
 */

import { isCursorInstant, isCursorText } from '../http/cursor-values.js'
import type { Sort } from './schemas.js'

export type CursorKey = string | number | null

export type Cursor = { sort: Sort; order: 'asc' | 'desc'; key: CursorKey; id: string }

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.order, cursor.key, cursor.id])).toString('base64url')
}

/** The cursor, or undefined when it is not one we made for this sort and order. */
export function decodeCursor(text: string, sort: Sort, order: 'asc' | 'desc'): Cursor | undefined {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(value) || value.length !== 4) return undefined
  const [s, o, key, id] = value as unknown[]
  if (s !== sort || o !== order || !isCursorText(id)) return undefined
  if (!keyFits(sort, key)) return undefined
  return { sort, order, key: key as CursorKey, id }
}

function keyFits(sort: Sort, key: unknown): boolean {
  switch (sort) {
    case 'created_at':
    case 'updated_at':
      return isCursorInstant(key)
    case 'due_at':
      return key === null || isCursorInstant(key)
    case 'priority':
      return key === 0 || key === 1 || key === 2
    case 'title':
      return isCursorText(key)
  }
}

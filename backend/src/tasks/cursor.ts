/**
 * Opaque keyset cursors: the sort, the order and the last item's (key, id), in base64url
 * JSON. A cursor is only valid for the sort and order it was made for.
 */
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
  if (s !== sort || o !== order || !isText(id)) return undefined
  if (!keyFits(sort, key)) return undefined
  return { sort, order, key: key as CursorKey, id }
}

function keyFits(sort: Sort, key: unknown): boolean {
  switch (sort) {
    case 'created_at':
    case 'updated_at':
      return isInstant(key)
    case 'due_at':
      return key === null || isInstant(key)
    case 'priority':
      return key === 0 || key === 1 || key === 2
    case 'title':
      return isText(key)
  }
}

/** Text PostgreSQL can compare: anything without NUL (a forged cursor must not reach the database as an error). */
const isText = (value: unknown): value is string => typeof value === 'string' && !value.includes('\u0000')

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** A key as `toISOString` wrote it, in a year PostgreSQL has (there is no year 0). */
function isInstant(value: unknown): boolean {
  if (typeof value !== 'string' || !ISO_UTC.test(value) || value.startsWith('0000')) return false
  const time = Date.parse(value)
  return !Number.isNaN(time) && new Date(time).toISOString() === value
}

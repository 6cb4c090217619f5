/**
 * What the values of an opaque keyset cursor (the task list's, the session list's) must be
 * before a query may use them: a forged cursor is a 422, never a database error.
 */

/** Text PostgreSQL can compare: anything without NUL. */
export const isCursorText = (value: unknown): value is string => typeof value === 'string' && !value.includes('\u0000')

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * An instant as `toISOString` writes it, in a year PostgreSQL has: four digits (no extended
 * `±YYYYYY` years, which JavaScript writes and PostgreSQL refuses), and not year 0.
 */
export function isCursorInstant(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_UTC.test(value) || value.startsWith('0000')) return false
  const time = Date.parse(value)
  return !Number.isNaN(time) && new Date(time).toISOString() === value
}

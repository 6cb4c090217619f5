/**
 * Form ⇄ wire conversions for tasks: `<input type="datetime-local">` values (local wall-clock
 * time, no zone) ⇄ RFC 3339 instants, the comma-separated tags input ⇄ arrays, and the API's
 * field errors (`tags.3`) ⇄ the form's fields.
 */

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0')

/** An instant as a datetime-local value in the viewer's time zone, e.g. "2026-11-26T17:00"; "" for none. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

/**
 * A datetime-local value as RFC 3339 with the viewer's UTC offset at that moment,
 * e.g. "2026-11-26T17:00:00+01:00"; null for an empty input, undefined if it is not a date.
 * A wall-clock time skipped by a DST change moves forward, as the browser's Date does.
 */
export function fromLocalInput(value: string): string | null | undefined {
  if (value.trim() === '') return null
  const m = LOCAL.exec(value.trim())
  if (!m) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const d = new Date(year, month - 1, day, hour, minute, second)
  if (Number.isNaN(d.getTime()) || d.getDate() !== day) return undefined
  d.setFullYear(year) // years 0–99 would otherwise mean 1900–1999
  const offset = -d.getTimezoneOffset()
  const zone =
    offset === 0
      ? 'Z'
      : `${offset > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`
}

/** "Work, home ,, errands" → ["Work", "home", "errands"] (the API lower-cases and merges duplicates). */
export function parseTags(value: string): string[] {
  return value
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '')
}

export function formatTags(tags: readonly string[]): string {
  return tags.join(', ')
}

export const TASK_FIELDS = ['title', 'description', 'priority', 'tags', 'due_at'] as const
export type TaskField = (typeof TASK_FIELDS)[number]

/** The form field an API error's `field` belongs to ("tags.2" → "tags"), if any. */
export const taskFieldOf = (field: string): TaskField | undefined =>
  TASK_FIELDS.find((f) => field === f || field.startsWith(`${f}.`))

/**
 * The API's field errors grouped by form field ("tags.2" belongs to "tags"); errors for
 * anything else (e.g. "body") are returned separately for a form-level message.
 */
export function taskFieldErrors(errors: readonly { field: string; message: string }[]): {
  fields: Partial<Record<TaskField, string>>
  other: string[]
} {
  const fields: Partial<Record<TaskField, string>> = {}
  const other: string[] = []
  for (const { field, message } of errors) {
    const name = taskFieldOf(field)
    if (name) fields[name] ??= message
    else other.push(message)
  }
  return { fields, other }
}

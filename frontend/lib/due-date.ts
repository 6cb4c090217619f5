/**
 * A due date as people give it: a calendar day, with or without a time. The API has one
 * RFC 3339 instant (`due_at`), so a task due on a day but at no particular time ("all day") is
 * stored as the last second of that day in the viewer's time zone, 23:59:59 (decision 022):
 * it sorts after that day's timed tasks and is overdue only once the day is over. The form
 * never writes seconds, so no time a person picks reads back as "all day".
 */
import { fromLocalInput } from './task-form'

/** The date and time inputs' values: "2026-12-08" and "17:00", or "" for none / all day. */
export type DueParts = { date: string; time: string }

export const NO_DUE: DueParts = { date: '', time: '' }

const ALL_DAY_TIME = '23:59:59'

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** Whether an instant is an all-day due date in the viewer's time zone (23:59:59.000 there). */
export function isAllDay(dueAt: string | Date): boolean {
  const d = dueAt instanceof Date ? dueAt : new Date(dueAt)
  return d.getHours() === 23 && d.getMinutes() === 59 && d.getSeconds() === 59 && d.getMilliseconds() === 0
}

/** A stored due date as the two inputs show it: the local day, and the time unless it is all day. */
export function toDueParts(dueAt: string | null | undefined): DueParts {
  if (!dueAt) return NO_DUE
  const d = new Date(dueAt)
  if (Number.isNaN(d.getTime())) return NO_DUE
  const date = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
  return { date, time: isAllDay(d) ? '' : `${pad(d.getHours())}:${pad(d.getMinutes())}` }
}

export type DueResult = { ok: true; dueAt: string | null } | { ok: false; error: string }

/**
 * The inputs' values as the API's `due_at`: null when both are empty, the day's all-day
 * instant when only the date is given, an error (never a silent null) for anything else.
 */
export function fromDueParts({ date, time }: DueParts): DueResult {
  const day = date.trim()
  const clock = time.trim()
  if (day === '' && clock === '') return { ok: true, dueAt: null }
  if (day === '') return { ok: false, error: 'Add the date for this time, or clear the time' }
  if (clock !== '' && !/^\d{2}:\d{2}$/.test(clock)) return { ok: false, error: 'Enter a valid time, like 17:00' }
  const dueAt = fromLocalInput(`${day}T${clock === '' ? ALL_DAY_TIME : clock}`)
  if (!dueAt) return { ok: false, error: 'Enter a valid date' }
  return { ok: true, dueAt }
}

/** A local moment as the inputs' values: its day, and its hour and minute when `withTime`. */
export function partsOf(moment: Date, withTime: boolean): DueParts {
  const date = `${pad(moment.getFullYear(), 4)}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`
  return { date, time: withTime ? `${pad(moment.getHours())}:${pad(moment.getMinutes())}` : '' }
}

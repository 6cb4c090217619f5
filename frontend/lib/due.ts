/**
 * Due dates as people say them: "due today", "due tomorrow", "due in 3 days",
 * "overdue by 2 days". Pure: the caller passes `now`. Days are calendar days in the
 * viewer's time zone (a task due at 09:00 tomorrow is "due tomorrow" even 14 hours ahead).
 */
import { isAllDay } from './due-date'

export type DueTone = 'overdue' | 'today' | 'upcoming' | 'done'

export type DueInfo = {
  /** What to show, e.g. "due in 3 days". */
  text: string
  /** Past due and not completed: highlight it. */
  overdue: boolean
  tone: DueTone
}

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000

/** Days since the epoch of the local calendar date of `d` (DST-proof: computed in UTC). */
function calendarDay(d: Date): number {
  return Math.round(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / DAY_MS)
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`

/** A span of whole calendar days in words: days up to two weeks, then weeks, months, years. */
function daySpan(days: number): string {
  if (days < 14) return plural(days, 'day')
  if (days < 60) return plural(Math.floor(days / 7), 'week')
  if (days < 730) return plural(Math.floor(days / 30.44), 'month')
  return plural(Math.floor(days / 365.25), 'year')
}

/** A span under a day in words. */
function timeSpan(ms: number): string {
  const minutes = Math.floor(ms / MINUTE_MS)
  if (minutes < 60) return plural(Math.max(1, minutes), 'minute')
  return plural(Math.floor(minutes / 60), 'hour')
}

export function describeDue(
  dueAt: string | Date | null | undefined,
  now: Date,
  options: { completed?: boolean } = {},
): DueInfo | null {
  if (dueAt === null || dueAt === undefined) return null
  const due = dueAt instanceof Date ? dueAt : new Date(dueAt)
  if (Number.isNaN(due.getTime())) return null
  const completed = options.completed ?? false
  const days = calendarDay(due) - calendarDay(now)
  const past = due.getTime() < now.getTime()

  if (completed) {
    // Done: say when it was due, never shout about it.
    if (!past) return { text: dueText(days), overdue: false, tone: 'done' }
    if (days === 0) return { text: 'was due today', overdue: false, tone: 'done' }
    if (days === -1) return { text: 'was due yesterday', overdue: false, tone: 'done' }
    return { text: `was due ${daySpan(-days)} ago`, overdue: false, tone: 'done' }
  }

  if (past) {
    const text = days === 0 ? `overdue by ${timeSpan(now.getTime() - due.getTime())}` : `overdue by ${daySpan(-days)}`
    return { text, overdue: true, tone: 'overdue' }
  }
  return { text: dueText(days), overdue: false, tone: days === 0 ? 'today' : 'upcoming' }
}

function dueText(days: number): string {
  if (days <= 0) return 'due today'
  if (days === 1) return 'due tomorrow'
  return `due in ${daySpan(days)}`
}

/** The exact moment in full: "Thu, 26 Nov 2026, 17:00", or "Thu, 26 Nov 2026, all day". */
export function formatDueExact(dueAt: string, locale?: string, timeZone?: string): string {
  const due = new Date(dueAt)
  const allDay = !timeZone && isAllDay(due)
  const text = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    ...(allDay ? {} : { hour: 'numeric', minute: '2-digit' }),
    ...(timeZone ? { timeZone } : {}),
  }).format(due)
  return allDay ? `${text}, all day` : text
}

/**
 * The exact due date shown beside the relative one, short: "Tue 8 Dec", "Fri 11 Dec, 18:00";
 * the year only when it is not this year's. All-day tasks have no time.
 */
export function formatDueShort(dueAt: string, now: Date, locale?: string): string {
  const due = new Date(dueAt)
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(due.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
    ...(isAllDay(due) ? {} : { hour: 'numeric', minute: '2-digit' }),
  }).format(due)
}

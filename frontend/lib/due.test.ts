import { describe, expect, it } from 'vitest'
import { describeDue, formatDueExact, formatDueShort } from './due'

// Local wall-clock times, so the tests hold in any TZ the suite runs in.
const at = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi)
const NOW = at(2026, 11, 26, 15, 0) // Thu 26 Nov 2026, 15:00

describe('describeDue', () => {
  it('says nothing without a due date', () => {
    expect(describeDue(null, NOW)).toBeNull()
    expect(describeDue(undefined, NOW)).toBeNull()
    expect(describeDue('not a date', NOW)).toBeNull()
  })

  it.each([
    [at(2026, 11, 26, 23, 59), 'due today', 'today'],
    [at(2026, 11, 27, 0, 1), 'due tomorrow', 'upcoming'],
    [at(2026, 11, 27, 23, 0), 'due tomorrow', 'upcoming'],
    [at(2026, 11, 29, 9, 0), 'due in 3 days', 'upcoming'],
    [at(2026, 12, 9, 9, 0), 'due in 13 days', 'upcoming'],
    [at(2026, 12, 10, 9, 0), 'due in 2 weeks', 'upcoming'],
    [at(2027, 3, 1, 9, 0), 'due in 3 months', 'upcoming'],
    [at(2029, 1, 1, 9, 0), 'due in 2 years', 'upcoming'],
  ])('upcoming: %s → %s', (due, text, tone) => {
    expect(describeDue(due, NOW)).toEqual({ text, overdue: false, tone })
  })

  it.each([
    [at(2026, 11, 26, 14, 59), 'overdue by 1 minute'],
    [at(2026, 11, 26, 14, 20), 'overdue by 40 minutes'],
    [at(2026, 11, 26, 9, 0), 'overdue by 6 hours'],
    [at(2026, 11, 25, 23, 0), 'overdue by 1 day'],
    [at(2026, 11, 24, 18, 0), 'overdue by 2 days'],
    [at(2026, 11, 5, 18, 0), 'overdue by 3 weeks'],
  ])('overdue: %s → %s', (due, text) => {
    expect(describeDue(due, NOW)).toEqual({ text, overdue: true, tone: 'overdue' })
  })

  it('is exact at the due moment: not overdue yet, then overdue', () => {
    expect(describeDue(NOW, NOW)?.overdue).toBe(false)
    expect(describeDue(new Date(NOW.getTime() - 1), NOW)?.overdue).toBe(true)
  })

  it('accepts RFC 3339 strings', () => {
    const due = new Date(NOW.getTime() + 2 * 86_400_000).toISOString()
    expect(describeDue(due, NOW)?.text).toBe('due in 2 days')
  })

  it('never flags a completed task as overdue', () => {
    expect(describeDue(at(2026, 11, 24, 9, 0), NOW, { completed: true })).toEqual({
      text: 'was due 2 days ago',
      overdue: false,
      tone: 'done',
    })
    expect(describeDue(at(2026, 11, 25, 9, 0), NOW, { completed: true })?.text).toBe('was due yesterday')
    expect(describeDue(at(2026, 11, 26, 9, 0), NOW, { completed: true })?.text).toBe('was due today')
    expect(describeDue(at(2026, 11, 27, 9, 0), NOW, { completed: true })).toEqual({
      text: 'due tomorrow',
      overdue: false,
      tone: 'done',
    })
  })

  it('counts calendar days across a month and a year end', () => {
    const newYearsEve = at(2026, 12, 31, 22, 0)
    expect(describeDue(at(2027, 1, 1, 8, 0), newYearsEve)?.text).toBe('due tomorrow')
    expect(describeDue(at(2026, 12, 30, 23, 0), at(2027, 1, 1, 1, 0))?.text).toBe('overdue by 2 days')
  })
})

describe('all-day due dates (23:59:59 local, decision 022)', () => {
  const allDay = (y: number, mo: number, d: number) => new Date(y, mo - 1, d, 23, 59, 59).toISOString()

  it('is due today all day long, and overdue only once the day is over', () => {
    expect(describeDue(allDay(2026, 11, 26), NOW)).toMatchObject({ text: 'due today', overdue: false })
    expect(describeDue(allDay(2026, 11, 25), NOW)).toMatchObject({ text: 'overdue by 1 day', overdue: true })
  })

  it('shows the exact day without a time, and a timed task with its time', () => {
    expect(formatDueShort(allDay(2026, 12, 8), NOW, 'en-GB')).toBe('Tue 8 Dec')
    expect(formatDueShort(at(2026, 12, 11, 18, 0).toISOString(), NOW, 'en-GB')).toBe('Fri 11 Dec, 18:00')
    expect(formatDueShort(allDay(2027, 1, 4), NOW, 'en-GB')).toBe('Mon, 4 Jan 2027')
    expect(formatDueExact(allDay(2026, 12, 8), 'en-GB')).toBe('Tue, 8 Dec 2026, all day')
  })
})

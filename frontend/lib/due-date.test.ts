import { describe, expect, it } from 'vitest'
import { fromDueParts, isAllDay, partsOf, toDueParts } from './due-date'

const ok = (result: ReturnType<typeof fromDueParts>) => {
  if (!result.ok) throw new Error(result.error)
  return result.dueAt
}

describe('due date inputs ⇄ due_at', () => {
  it('stores a date without a time as the last second of that local day (all day)', () => {
    const dueAt = ok(fromDueParts({ date: '2026-12-08', time: '' })) as string
    expect(new Date(dueAt).getTime()).toBe(new Date(2026, 11, 8, 23, 59, 59).getTime())
    expect(isAllDay(dueAt)).toBe(true)
    expect(toDueParts(dueAt)).toEqual({ date: '2026-12-08', time: '' })
  })

  it('stores a date and time as that local moment, read back the same', () => {
    const dueAt = ok(fromDueParts({ date: '2026-12-08', time: '17:30' })) as string
    expect(new Date(dueAt).getTime()).toBe(new Date(2026, 11, 8, 17, 30).getTime())
    expect(isAllDay(dueAt)).toBe(false)
    expect(toDueParts(dueAt)).toEqual({ date: '2026-12-08', time: '17:30' })
  })

  it('a time someone picks is never read as all day, even 23:59', () => {
    const dueAt = ok(fromDueParts({ date: '2026-12-08', time: '23:59' })) as string
    expect(isAllDay(dueAt)).toBe(false)
    expect(toDueParts(dueAt).time).toBe('23:59')
  })

  it('is null only when both inputs are empty', () => {
    expect(fromDueParts({ date: '', time: '' })).toEqual({ ok: true, dueAt: null })
    expect(toDueParts(null)).toEqual({ date: '', time: '' })
  })

  it('refuses a time without a date, and dates that do not exist, instead of dropping them', () => {
    expect(fromDueParts({ date: '', time: '09:00' }).ok).toBe(false)
    expect(fromDueParts({ date: '2026-02-30', time: '' }).ok).toBe(false)
    expect(fromDueParts({ date: '2026-12', time: '' }).ok).toBe(false)
    expect(fromDueParts({ date: '2026-12-08', time: '9' }).ok).toBe(false)
  })

  it('turns a parsed moment into inputs, with or without its time', () => {
    const moment = new Date(2026, 11, 20, 18, 5)
    expect(partsOf(moment, true)).toEqual({ date: '2026-12-20', time: '18:05' })
    expect(partsOf(moment, false)).toEqual({ date: '2026-12-20', time: '' })
  })
})

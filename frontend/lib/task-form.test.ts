import { describe, expect, it } from 'vitest'
import { formatTags, fromLocalInput, parseTags, taskFieldErrors, toLocalInput } from './task-form'

describe('datetime-local ⇄ RFC 3339', () => {
  it('converts a local wall-clock time to RFC 3339 with the viewer’s offset', () => {
    const value = fromLocalInput('2026-11-26T17:30')
    expect(value).toMatch(/^2026-11-26T17:30:00(Z|[+-]\d{2}:\d{2})$/)
    // Same instant as the browser's own reading of that local time.
    expect(new Date(value as string).getTime()).toBe(new Date(2026, 10, 26, 17, 30).getTime())
  })

  it('round-trips through the input', () => {
    const iso = fromLocalInput('2027-03-01T09:05') as string
    expect(toLocalInput(iso)).toBe('2027-03-01T09:05')
    expect(toLocalInput(new Date(2026, 0, 2, 3, 4).toISOString())).toBe('2026-01-02T03:04')
  })

  it('treats empty as "no due date" and garbage as invalid', () => {
    expect(fromLocalInput('')).toBeNull()
    expect(toLocalInput(null)).toBe('')
    expect(fromLocalInput('tomorrow')).toBeUndefined()
    expect(fromLocalInput('2026-02-30T10:00')).toBeUndefined()
  })
})

describe('tags', () => {
  it('splits on commas and drops blanks', () => {
    expect(parseTags(' Work, home ,, errands ,')).toEqual(['Work', 'home', 'errands'])
    expect(parseTags('')).toEqual([])
    expect(formatTags(['a', 'b'])).toBe('a, b')
  })
})

describe('taskFieldErrors', () => {
  it('maps API fields, including indexed tag errors, and keeps the rest apart', () => {
    expect(
      taskFieldErrors([
        { field: 'title', message: 'Title must not be empty' },
        { field: 'tags.3', message: 'Tags must be at most 32 characters' },
        { field: 'tags.4', message: 'second tag error' },
        { field: 'body', message: 'Give at least one field to change' },
      ]),
    ).toEqual({
      fields: { title: 'Title must not be empty', tags: 'Tags must be at most 32 characters' },
      other: ['Give at least one field to change'],
    })
  })
})

import { describe, expect, it } from 'vitest'
import { parseQuickAdd } from './quick-add'

// Mon 7 Dec 2026, 10:00 local: the tests hold in any TZ the suite runs in.
const NOW = new Date(2026, 11, 7, 10, 0)
const parse = (text: string, ignored: string[] = [], locale = 'en-US') =>
  parseQuickAdd(text, { now: NOW, locale, ignored: new Set(ignored) })

describe('quick add', () => {
  it('reads "Pay rent tomorrow !high #bills" as a title, a day, a priority and a tag', () => {
    const quick = parse('Pay rent tomorrow !high #bills')
    expect(quick.title).toBe('Pay rent')
    expect(quick.due).toEqual({ date: '2026-12-08', time: '' })
    expect(quick.priority).toBe('high')
    expect(quick.tags).toEqual(['bills'])
    expect(quick.parts.map((p) => p.text)).toEqual(['tomorrow', '!high', '#bills'])
  })

  it.each([
    ['Call mum friday 6pm #family', 'Call mum', { date: '2026-12-11', time: '18:00' }],
    ['Standup today', 'Standup', { date: '2026-12-07', time: '' }],
    ['Gym next monday', 'Gym', { date: '2026-12-14', time: '' }],
    ['Return books in 3 days', 'Return books', { date: '2026-12-10', time: '' }],
    ['Party dec 20', 'Party', { date: '2026-12-20', time: '' }],
    ['Call Bob 5pm', 'Call Bob', { date: '2026-12-07', time: '17:00' }],
  ])('%s → %s, due %o', (text, title, due) => {
    const quick = parse(text)
    expect(quick.title).toBe(title)
    expect(quick.due).toEqual(due)
  })

  it('a time already past today means tomorrow', () => {
    expect(parse('Call Bob 9am').due).toEqual({ date: '2026-12-08', time: '09:00' })
  })

  it('reads !1 as high and !3 as low; the last priority wins', () => {
    expect(parse('Fix leak !1').priority).toBe('high')
    expect(parse('Fix leak !3').priority).toBe('low')
    expect(parse('Fix leak !low !2').priority).toBe('medium')
  })

  it('takes several tags, lower-cased and merged, and leaves words that only contain # or !', () => {
    const quick = parse('Email C#dev team #Work #home #work wow!')
    expect(quick.title).toBe('Email C#dev team wow!')
    expect(quick.tags).toEqual(['work', 'home'])
  })

  it('keeps a refused part in the title', () => {
    const quick = parse('Pay rent tomorrow !high #bills', ['due:tomorrow', 'tag:bills'])
    expect(quick.title).toBe('Pay rent tomorrow #bills')
    expect(quick.due).toBeNull()
    expect(quick.tags).toEqual([])
    expect(quick.priority).toBe('high')
  })

  it('leaves no space before punctuation where a date was taken out', () => {
    expect(parse('Renew passport before the trip next month, then call').title).toBe(
      'Renew passport before the trip, then call',
    )
  })

  it('leaves a plain title alone', () => {
    expect(parse('Buy milk')).toEqual({ title: 'Buy milk', due: null, priority: null, tags: [], parts: [] })
  })

  it('never empties the title: a line that is only a date stays the title', () => {
    expect(parse('Tomorrow')).toMatchObject({ title: 'Tomorrow', due: null, parts: [] })
  })

  it('understands the viewer’s language, and English beside it', () => {
    expect(parse('Zahnarzt morgen', [], 'de-DE')).toMatchObject({ title: 'Zahnarzt', due: { date: '2026-12-08' } })
    expect(parse('Zahnarzt tomorrow', [], 'de-DE')).toMatchObject({ title: 'Zahnarzt', due: { date: '2026-12-08' } })
    expect(parse('Rent 1/2', [], 'en-GB').due).toEqual({ date: '2027-02-01', time: '' })
  })
})

import { describe, expect, it } from 'vitest'
import {
  DEFAULT_FILTERS,
  filtersToSearchParams,
  hasActiveFilters,
  listQueries,
  parseFilters,
  safeTasksHref,
  tasksHref,
  withoutFilters,
  withPage,
  withTag,
} from './task-query'

const parse = (search: string) => parseFilters(new URLSearchParams(search))

describe('parseFilters', () => {
  it('gives the defaults for an empty query', () => {
    expect(parse('')).toEqual(DEFAULT_FILTERS)
    expect(DEFAULT_FILTERS).toMatchObject({ view: 'all', status: 'all', sort: 'smart', order: 'asc' })
  })

  it('reads every filter, with repeated tags', () => {
    expect(parse('view=today&status=pending&q=milk&priority=high&tag=home&tag=Errands&sort=due_at&order=desc')).toEqual(
      {
        view: 'today',
        status: 'pending',
        q: 'milk',
        priority: 'high',
        tags: ['home', 'errands'],
        sort: 'due_at',
        order: 'desc',
      },
    )
  })

  it('falls back to defaults instead of sending what the API would refuse', () => {
    const tooLongTag = 'x'.repeat(33)
    expect(
      parse(`view=tomorrow&status=done&priority=urgent&sort=size&order=up&tag=${tooLongTag}&tag=%20&tag=a&tag=A`),
    ).toEqual({
      ...DEFAULT_FILTERS,
      tags: ['a'],
    })
    expect(parse(`q=${'y'.repeat(300)}`).q).toHaveLength(200)
    expect(parse(Array.from({ length: 12 }, (_, i) => `tag=t${i}`).join('&')).tags).toHaveLength(10)
  })

  it('defaults the order to what reads naturally for the sort', () => {
    expect(parse('sort=title').order).toBe('asc')
    expect(parse('sort=due_at').order).toBe('asc')
    expect(parse('sort=priority').order).toBe('desc')
  })
})

describe('filtersToSearchParams / tasksHref', () => {
  it('keeps a plain /tasks plain', () => {
    expect(tasksHref(DEFAULT_FILTERS)).toBe('/tasks')
  })

  it('round-trips through the URL', () => {
    const filters = {
      ...DEFAULT_FILTERS,
      status: 'completed' as const,
      q: 'a&b',
      tags: ['x', 'y'],
      sort: 'title' as const,
      order: 'desc' as const,
    }
    const search = filtersToSearchParams(filters).toString()
    expect(search).toBe('status=completed&q=a%26b&tag=x&tag=y&sort=title&order=desc')
    expect(parse(search)).toEqual(filters)
  })

  it('leaves out an order that is the default for its sort', () => {
    expect(filtersToSearchParams({ ...DEFAULT_FILTERS, sort: 'title', order: 'asc' }).toString()).toBe('sort=title')
  })
})

describe('listQueries', () => {
  const NOW = new Date(2026, 11, 7, 15, 0)
  const TOMORROW = new Date(2026, 11, 8).toISOString()
  const one = (filters: Parameters<typeof listQueries>[0]) => {
    const queries = listQueries(filters, NOW)
    expect(queries).toHaveLength(1)
    return new URLSearchParams(queries[0])
  }

  it('lists open tasks by due date (overdue first, undated last), then completed ones, by default', () => {
    expect(listQueries(DEFAULT_FILTERS, NOW)).toEqual([
      'status=pending&sort=due_at&order=asc',
      'status=completed&sort=updated_at&order=desc',
    ])
  })

  it('a chosen sort is one query, sort and order always stated', () => {
    expect(listQueries({ ...DEFAULT_FILTERS, sort: 'created_at', order: 'desc' }, NOW)).toEqual([
      'sort=created_at&order=desc',
    ])
  })

  it('Today is open tasks due before tomorrow; Upcoming those due from tomorrow', () => {
    const today = one({ ...DEFAULT_FILTERS, view: 'today' })
    expect(today.get('status')).toBe('pending')
    expect(today.get('due_before')).toBe(TOMORROW)
    expect(today.get('sort')).toBe('due_at')
    const upcoming = one({ ...DEFAULT_FILTERS, view: 'upcoming', status: 'completed' })
    expect(upcoming.get('status')).toBe('pending')
    expect(upcoming.get('due_after')).toBe(TOMORROW)
  })

  it('sends each filter as the API names it', () => {
    const query = one({
      view: 'all',
      status: 'pending',
      q: ' 50% off ',
      priority: 'low',
      tags: ['a', 'b'],
      sort: 'priority',
      order: 'asc',
    })
    expect(query.get('status')).toBe('pending')
    expect(query.get('q')).toBe('50% off')
    expect(query.get('priority')).toBe('low')
    expect(query.getAll('tag')).toEqual(['a', 'b'])
    expect(query.get('sort')).toBe('priority')
    expect(query.get('order')).toBe('asc')
    expect(query.has('cursor')).toBe(false)
  })

  it('leaves out status=all and an empty search, and adds paging', () => {
    const query = one({ ...DEFAULT_FILTERS, sort: 'title', q: '   ' })
    expect(query.has('status')).toBe(false)
    expect(query.has('q')).toBe(false)
    expect(withPage('sort=title&order=asc', { limit: 20, cursor: 'abc' })).toBe(
      'sort=title&order=asc&limit=20&cursor=abc',
    )
  })
})

describe('helpers', () => {
  it('knows when the list is narrowed (sorting does not count)', () => {
    expect(hasActiveFilters({ ...DEFAULT_FILTERS, sort: 'title', order: 'asc' })).toBe(false)
    expect(hasActiveFilters({ ...DEFAULT_FILTERS, tags: ['x'] })).toBe(true)
    expect(hasActiveFilters({ ...DEFAULT_FILTERS, status: 'completed' })).toBe(true)
  })

  it('clears filters but keeps the sort', () => {
    const filters = {
      view: 'today' as const,
      status: 'pending' as const,
      q: 'x',
      priority: 'high' as const,
      tags: ['a'],
      sort: 'title' as const,
      order: 'asc' as const,
    }
    expect(withoutFilters(filters)).toEqual({ ...DEFAULT_FILTERS, view: 'today', sort: 'title', order: 'asc' })
  })

  it('adds a tag once, normalised', () => {
    const one = withTag(DEFAULT_FILTERS, ' Home ')
    expect(one.tags).toEqual(['home'])
    expect(withTag(one, 'HOME')).toBe(one)
  })

  it('turns a "from" parameter into a /tasks link and nothing else', () => {
    expect(safeTasksHref('status=pending&tag=a')).toBe('/tasks?status=pending&tag=a')
    expect(safeTasksHref('//evil.example/x')).toBe('/tasks')
    expect(safeTasksHref('next=https://evil.example')).toBe('/tasks')
    expect(safeTasksHref(null)).toBe('/tasks')
  })
})

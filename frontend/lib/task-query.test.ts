import { describe, expect, it } from 'vitest'
import {
  DEFAULT_FILTERS,
  filtersToSearchParams,
  hasActiveFilters,
  parseFilters,
  safeTasksHref,
  tasksHref,
  toApiQuery,
  withoutFilters,
  withTag,
} from './task-query'

const parse = (search: string) => parseFilters(new URLSearchParams(search))

describe('parseFilters', () => {
  it('gives the defaults for an empty query', () => {
    expect(parse('')).toEqual(DEFAULT_FILTERS)
    expect(DEFAULT_FILTERS).toMatchObject({ status: 'all', sort: 'created_at', order: 'desc' })
  })

  it('reads every filter, with repeated tags', () => {
    expect(parse('status=pending&q=milk&priority=high&tag=home&tag=Errands&sort=due_at&order=desc')).toEqual({
      status: 'pending',
      q: 'milk',
      priority: 'high',
      tags: ['home', 'errands'],
      sort: 'due_at',
      order: 'desc',
    })
  })

  it('falls back to defaults instead of sending what the API would refuse', () => {
    const tooLongTag = 'x'.repeat(33)
    expect(parse(`status=done&priority=urgent&sort=size&order=up&tag=${tooLongTag}&tag=%20&tag=a&tag=A`)).toEqual({
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

describe('toApiQuery', () => {
  it('always states sort and order, and adds paging', () => {
    expect(toApiQuery(DEFAULT_FILTERS)).toBe('sort=created_at&order=desc')
    expect(toApiQuery(DEFAULT_FILTERS, { limit: 20, cursor: 'abc' })).toBe(
      'sort=created_at&order=desc&limit=20&cursor=abc',
    )
  })

  it('sends each filter as the API names it', () => {
    const query = new URLSearchParams(
      toApiQuery({
        status: 'pending',
        q: ' 50% off ',
        priority: 'low',
        tags: ['a', 'b'],
        sort: 'priority',
        order: 'asc',
      }),
    )
    expect(query.get('status')).toBe('pending')
    expect(query.get('q')).toBe('50% off')
    expect(query.get('priority')).toBe('low')
    expect(query.getAll('tag')).toEqual(['a', 'b'])
    expect(query.get('sort')).toBe('priority')
    expect(query.get('order')).toBe('asc')
    expect(query.has('cursor')).toBe(false)
  })

  it('leaves out status=all and an empty search', () => {
    const query = new URLSearchParams(toApiQuery({ ...DEFAULT_FILTERS, q: '   ' }))
    expect(query.has('status')).toBe(false)
    expect(query.has('q')).toBe(false)
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
      status: 'pending' as const,
      q: 'x',
      priority: 'high' as const,
      tags: ['a'],
      sort: 'title' as const,
      order: 'asc' as const,
    }
    expect(withoutFilters(filters)).toEqual({ ...DEFAULT_FILTERS, sort: 'title', order: 'asc' })
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

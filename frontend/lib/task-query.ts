/**
 * The task list's filters, both ways: the page URL's query string (so a reload or a shared
 * link keeps them) ⇄ a TaskFilters value ⇄ the API's list query (API.md "Task API").
 * The page URL is hand-editable, so parsing never throws: anything the API would refuse
 * with 422 falls back to the default instead.
 */
import { TASK_SEARCH_MAX_LENGTH, TASK_TAG_MAX_LENGTH, TASK_TAGS_MAX_ITEMS } from './api/limits'
import type { Priority, TaskListQuery } from './types'

export type Status = NonNullable<TaskListQuery['status']>
/** The API's sorts, and "smart": overdue, today, upcoming by due date, no date, completed last. */
export type Sort = NonNullable<TaskListQuery['sort']> | 'smart'
/** Which tasks by date: all of them, those due today (and overdue), those due after today. */
export type View = 'all' | 'today' | 'upcoming'
export type Order = NonNullable<TaskListQuery['order']>

/** Every value of a wire union, in the order the UI shows them: it does not compile when the API adds or drops one. */
const all =
  <T extends string>() =>
  <const V extends readonly T[]>(values: V & ([T] extends [V[number]] ? unknown : never)) =>
    values

export const STATUSES = all<Status>()(['all', 'pending', 'completed'])
export const PRIORITIES = all<Priority>()(['high', 'medium', 'low'])
export const SORTS = all<Sort>()(['smart', 'created_at', 'updated_at', 'due_at', 'priority', 'title'])
export const VIEWS = all<View>()(['all', 'today', 'upcoming'])
const ORDERS = all<Order>()(['asc', 'desc'])

/** As many tag filters as a task can have tags (the API's list query allows the same). */
export const TAG_FILTER_MAX = TASK_TAGS_MAX_ITEMS

export type TaskFilters = {
  view: View
  status: Status
  q: string
  priority: Priority | null
  tags: string[]
  sort: Sort
  order: Order
}

export const SORT_LABELS: Record<Sort, string> = {
  smart: 'Overdue first',
  created_at: 'Created',
  updated_at: 'Updated',
  due_at: 'Due date',
  priority: 'Priority',
  title: 'Title',
}

/** The order people expect first for each sort: newest, soonest, most important, A to Z. */
export function defaultOrder(sort: Sort): Order {
  return sort === 'due_at' || sort === 'title' || sort === 'smart' ? 'asc' : 'desc'
}

/** How an order reads for a sort, e.g. "Newest first". */
export function orderLabel(sort: Sort, order: Order): string {
  const labels: Record<Sort, [asc: string, desc: string]> = {
    smart: ['Overdue first', 'Overdue first'],
    created_at: ['Oldest first', 'Newest first'],
    updated_at: ['Least recent first', 'Most recent first'],
    due_at: ['Soonest first', 'Latest first'],
    priority: ['Low first', 'High first'],
    title: ['A to Z', 'Z to A'],
  }
  return labels[sort][order === 'asc' ? 0 : 1]
}

export const DEFAULT_FILTERS: TaskFilters = {
  view: 'all',
  status: 'all',
  q: '',
  priority: null,
  tags: [],
  sort: 'smart',
  order: defaultOrder('smart'),
}

type ParamsLike = { get(name: string): string | null; getAll(name: string): string[] }

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | undefined =>
  values.find((v) => v === value)

/** A tag as the API stores it (trimmed, lower-case), or null if the API would refuse it. */
export function normalizeTag(tag: string): string | null {
  const clean = tag.trim().toLowerCase()
  return clean.length >= 1 && [...clean].length <= TASK_TAG_MAX_LENGTH ? clean : null
}

export function parseFilters(params: ParamsLike): TaskFilters {
  const sort = oneOf(SORTS, params.get('sort')) ?? DEFAULT_FILTERS.sort
  const tags: string[] = []
  for (const raw of params.getAll('tag')) {
    const tag = normalizeTag(raw)
    if (tag && !tags.includes(tag) && tags.length < TAG_FILTER_MAX) tags.push(tag)
  }
  return {
    view: oneOf(VIEWS, params.get('view')) ?? DEFAULT_FILTERS.view,
    status: oneOf(STATUSES, params.get('status')) ?? DEFAULT_FILTERS.status,
    q: (params.get('q') ?? '').trim().slice(0, TASK_SEARCH_MAX_LENGTH),
    priority: oneOf(PRIORITIES, params.get('priority')) ?? null,
    tags,
    sort,
    order: oneOf(ORDERS, params.get('order')) ?? defaultOrder(sort),
  }
}

/** The page's query string: only what differs from the defaults, so a plain /tasks stays plain. */
export function filtersToSearchParams(filters: TaskFilters): URLSearchParams {
  const params = new URLSearchParams()
  if (filters.view !== DEFAULT_FILTERS.view) params.set('view', filters.view)
  if (filters.status !== DEFAULT_FILTERS.status) params.set('status', filters.status)
  if (filters.q.trim()) params.set('q', filters.q.trim())
  if (filters.priority) params.set('priority', filters.priority)
  for (const tag of filters.tags) params.append('tag', tag)
  if (filters.sort !== DEFAULT_FILTERS.sort) params.set('sort', filters.sort)
  if (filters.order !== defaultOrder(filters.sort)) params.set('order', filters.order)
  return params
}

/** `/tasks` or `/tasks?…` for these filters. */
export function tasksHref(filters: TaskFilters): string {
  const search = filtersToSearchParams(filters).toString()
  return search ? `/tasks?${search}` : '/tasks'
}

/** Local midnight at the start of the day after `now`'s: where "today" ends. */
export function startOfTomorrow(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1)
}

/**
 * The API list queries (without `?`, paging, or cursor) whose pages, one query after the other,
 * make the list. One query, except the smart order of everything: open tasks by due date
 * (the API puts overdue first and undated last), then completed ones, most recent first.
 * `now` matters only by its day (the views' bounds), so the queries change at midnight only.
 */
export function listQueries(filters: TaskFilters, now: Date): string[] {
  const params = new URLSearchParams()
  let status = filters.status
  if (filters.view !== 'all') {
    status = 'pending'
    const bound = startOfTomorrow(now).toISOString()
    params.set(filters.view === 'today' ? 'due_before' : 'due_after', bound)
  }
  if (filters.q.trim()) params.set('q', filters.q.trim())
  if (filters.priority) params.set('priority', filters.priority)
  for (const tag of filters.tags) params.append('tag', tag)
  const query = (status: Status, sort: Exclude<Sort, 'smart'>, order: Order) => {
    const p = new URLSearchParams(params)
    if (status !== 'all') p.set('status', status)
    p.set('sort', sort)
    p.set('order', order)
    return p.toString()
  }
  if (filters.sort !== 'smart') return [query(status, filters.sort, filters.order)]
  if (status !== 'all') return [query(status, 'due_at', 'asc')]
  return [query('pending', 'due_at', 'asc'), query('completed', 'updated_at', 'desc')]
}

/** A list query with its page: `limit` and, after the first page, `cursor`. */
export function withPage(query: string, page: { limit?: number; cursor?: string | null } = {}): string {
  const params = new URLSearchParams(query)
  if (page.limit !== undefined) params.set('limit', String(page.limit))
  if (page.cursor) params.set('cursor', page.cursor)
  return params.toString()
}

/** Whether anything narrows the list (sorting does not): decides which empty state to show. */
export function hasActiveFilters(filters: TaskFilters): boolean {
  return filters.status !== 'all' || filters.q.trim() !== '' || filters.priority !== null || filters.tags.length > 0
}

/** The same list with every narrowing filter removed; the sort stays. */
export function withoutFilters(filters: TaskFilters): TaskFilters {
  return { ...DEFAULT_FILTERS, view: filters.view, sort: filters.sort, order: filters.order }
}

/** Adds a tag to the filter (all tags must match), or leaves the filters as they are. */
export function withTag(filters: TaskFilters, tag: string): TaskFilters {
  const clean = normalizeTag(tag)
  if (!clean || filters.tags.includes(clean) || filters.tags.length >= TAG_FILTER_MAX) return filters
  return { ...filters, tags: [...filters.tags, clean] }
}

/**
 * A list query string handed to another page (the edit page's "back" link), re-parsed so that
 * only known filters survive: the result is always a path under /tasks, never a redirect elsewhere.
 */
export function safeTasksHref(search: string | null | undefined): string {
  return tasksHref(parseFilters(new URLSearchParams(search ?? '')))
}

'use client'

/**
 * The task list's pages for the current filters: the first page (again when the filters change,
 * or on "Try again"), then "Load more". A list may be made of several API queries one after the
 * other (lib/task-query.ts `listQueries`: the smart order's open tasks, then completed ones); a
 * page that ends one query goes on with the next. A page that arrives for filters no longer shown
 * is dropped.
 */
import { type Dispatch, type SetStateAction, useCallback, useRef, useState } from 'react'
import { useLoaded } from '@/components/ui/use-loaded'
import { useMounted } from '@/components/ui/use-mounted'
import { errorMessage } from '@/lib/api'
import { listQueries, type TaskFilters, withPage } from '@/lib/task-query'
import type { TasksApi } from '@/lib/tasks-api'
import type { Task } from '@/lib/types'

export const PAGE_SIZE = 20

/** Where the next page starts: which of the list's queries, and its cursor (null: its first page). */
export type PagePosition = { query: number; cursor: string | null }

type Loaded = { items: Task[]; next: PagePosition | null }

/**
 * One page of a list made of `queries` from `from`: when a query runs out before `limit` tasks,
 * the next query's first page is added, so the first page of a short list shows everything.
 */
export async function fetchListPage(
  list: (query: string) => Promise<{ items: Task[]; next_cursor: string | null }>,
  queries: readonly string[],
  from: PagePosition,
  limit: number,
): Promise<Loaded> {
  const items: Task[] = []
  let { query, cursor } = from
  while (query < queries.length) {
    const page = await list(withPage(queries[query] as string, { limit, cursor }))
    items.push(...page.items.filter((task) => !items.some((t) => t.id === task.id)))
    if (page.next_cursor) return { items, next: { query, cursor: page.next_cursor } }
    query += 1
    cursor = null
    if (items.length >= limit && query < queries.length) return { items, next: { query, cursor: null } }
  }
  return { items, next: null }
}

export type TaskPages = {
  items: Task[]
  setItems: Dispatch<SetStateAction<Task[]>>
  /** False while the first page loads: the old list's position means nothing for new filters. */
  hasMore: boolean
  phase: 'loading' | 'ready' | 'error'
  loadError: string
  loadingMore: boolean
  loadMore(): Promise<void>
  reload(): void
  /**
   * Fetches what is shown again, quietly (no loading state): as many tasks as are shown, from the
   * first. For live sync, when the list cannot apply a change itself. Calls made while one runs
   * are merged into one more.
   */
  refresh(): void
  /** A task added here (shown before the API lists it), kept if a load running now would drop it. */
  keepAdded(task: Task): void
  /** No longer keep that task (it was replaced or refused). */
  forgetAdded(id: string): void
}

/** `onLastPage` gets the first task of a last page that "Load more" brought (the button then goes away). */
export function useTaskPages(
  tasks: TasksApi | null,
  filters: TaskFilters,
  now: Date,
  notify: (text: string) => void,
  onLastPage: (first: Task) => void,
): TaskPages {
  const queries = listQueries(filters, now)
  const key = queries.join('\n')
  const shownKey = useRef(key)
  shownKey.current = key
  const mounted = useMounted()
  // Tasks added while a load runs: its answer was read before them, so they are kept beside it.
  const added = useRef(new Map<string, Task>())
  const first = useLoaded<Loaded>(
    tasks &&
      (async (signal) => {
        added.current = new Map()
        const page = await fetchListPage(
          (q) => tasks.list(q, signal),
          key.split('\n'),
          { query: 0, cursor: null },
          PAGE_SIZE,
        )
        const extra = [...added.current.values()].filter((task) => !page.items.some((t) => t.id === task.id))
        return { ...page, items: [...extra, ...page.items] }
      }),
    [tasks, key],
  )
  const [loadingMore, setLoadingMore] = useState(false)
  const refreshing = useRef<{ again: boolean } | null>(null)

  const setItems: TaskPages['setItems'] = useCallback(
    (next) =>
      first.setData((page) => {
        const current = page ?? { items: [], next: null }
        return { ...current, items: typeof next === 'function' ? next(current.items) : next }
      }),
    [first.setData],
  )

  const phase = first.loading ? 'loading' : first.error ? 'error' : 'ready'
  const next = phase === 'loading' ? null : (first.data?.next ?? null)

  async function loadMore() {
    if (!tasks || !next || loadingMore) return
    const shown = key
    setLoadingMore(true)
    try {
      const page = await fetchListPage((q) => tasks.list(q), queries, next, PAGE_SIZE)
      if (shownKey.current !== shown || !mounted.current) return
      first.setData((prev) => {
        const items = prev?.items ?? []
        return {
          items: [...items, ...page.items.filter((task) => !items.some((p) => p.id === task.id))],
          next: page.next,
        }
      })
      const head = page.items[0]
      if (!page.next && head) onLastPage(head)
    } catch (err) {
      notify(`Couldn't load more tasks. ${errorMessage(err)}`)
    } finally {
      if (mounted.current) setLoadingMore(false)
    }
  }

  async function refresh() {
    if (!tasks || first.loading) return
    if (refreshing.current) {
      refreshing.current.again = true
      return
    }
    const run = { again: false }
    refreshing.current = run
    const shown = key
    // The API's largest page: a list longer than that keeps its "Load more" from there.
    const limit = Math.min(Math.max(first.data?.items.length ?? 0, PAGE_SIZE), 100)
    try {
      const page = await fetchListPage((q) => tasks.list(q), queries, { query: 0, cursor: null }, limit)
      if (shownKey.current !== shown || !mounted.current) return
      // Tasks added here since the list loaded stay, as they do through a load (see `added`).
      const extra = [...added.current.values()].filter((task) => !page.items.some((t) => t.id === task.id))
      first.setData({ ...page, items: [...extra, ...page.items] })
    } catch {
      // The list stays as it was; the next change or reload tries again.
    } finally {
      refreshing.current = null
      if (run.again && mounted.current) void refresh()
    }
  }

  return {
    items: first.data?.items ?? [],
    setItems,
    hasMore: next !== null,
    phase,
    loadError: first.error?.message ?? '',
    loadingMore,
    loadMore,
    reload: first.reload,
    refresh: () => void refresh(),
    keepAdded: (task) => added.current.set(task.id, task),
    forgetAdded: (id) => added.current.delete(id),
  }
}

'use client'

/**
 * The task list's pages for the current filters: the first page (again when the filters change,
 * or on "Try again"), then "Load more" by cursor. A page that arrives for filters no longer shown
 * is dropped.
 */
import { type Dispatch, type SetStateAction, useCallback, useRef, useState } from 'react'
import { useLoaded } from '@/components/ui/use-loaded'
import { useMounted } from '@/components/ui/use-mounted'
import { errorMessage } from '@/lib/api'
import { type TaskFilters, toApiQuery } from '@/lib/task-query'
import type { TasksApi } from '@/lib/tasks-api'
import type { Task, TaskList } from '@/lib/types'

export const PAGE_SIZE = 20

export type TaskPages = {
  items: Task[]
  setItems: Dispatch<SetStateAction<Task[]>>
  /** Null while the first page loads: the old list's cursor means nothing for new filters. */
  nextCursor: string | null
  phase: 'loading' | 'ready' | 'error'
  loadError: string
  loadingMore: boolean
  loadMore(): Promise<void>
  reload(): void
}

/** `onLastPage` gets the first task of a last page that "Load more" brought (the button then goes away). */
export function useTaskPages(
  tasks: TasksApi | null,
  filters: TaskFilters,
  notify: (text: string) => void,
  onLastPage: (first: Task) => void,
): TaskPages {
  const listQuery = toApiQuery(filters, { limit: PAGE_SIZE })
  const shownQuery = useRef(listQuery)
  shownQuery.current = listQuery
  const mounted = useMounted()
  const first = useLoaded<TaskList>(tasks && ((signal) => tasks.list(listQuery, signal)), [tasks, listQuery])
  const [loadingMore, setLoadingMore] = useState(false)

  const setItems: TaskPages['setItems'] = useCallback(
    (next) =>
      first.setData((page) => {
        const current = page ?? { items: [], next_cursor: null }
        return { ...current, items: typeof next === 'function' ? next(current.items) : next }
      }),
    [first.setData],
  )

  const phase = first.loading ? 'loading' : first.error ? 'error' : 'ready'
  const nextCursor = phase === 'loading' ? null : (first.data?.next_cursor ?? null)

  async function loadMore() {
    if (!tasks || !nextCursor || loadingMore) return
    const query = listQuery
    setLoadingMore(true)
    try {
      const page = await tasks.list(toApiQuery(filters, { limit: PAGE_SIZE, cursor: nextCursor }))
      if (shownQuery.current !== query || !mounted.current) return
      first.setData((prev) => {
        const items = prev?.items ?? []
        return {
          items: [...items, ...page.items.filter((task) => !items.some((p) => p.id === task.id))],
          next_cursor: page.next_cursor,
        }
      })
      const head = page.items[0]
      if (!page.next_cursor && head) onLastPage(head)
    } catch (err) {
      notify(`Couldn't load more tasks. ${errorMessage(err)}`)
    } finally {
      if (mounted.current) setLoadingMore(false)
    }
  }

  return {
    items: first.data?.items ?? [],
    setItems,
    nextCursor,
    phase,
    loadError: first.error?.message ?? '',
    loadingMore,
    loadMore,
    reload: first.reload,
  }
}

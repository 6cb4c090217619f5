'use client'

/**
 * The task list: inline create, filters in the URL, complete toggles, delete with undo,
 * and "Load more". Toggle, create and delete are optimistic; when the server refuses, the
 * change is rolled back and a message says so.
 *
 * Delete with undo: the task is hidden at once and deleted on the server only when the undo
 * window closes. Nothing is lost when the page is left inside the window: leaving within the
 * app deletes at once, and closing or reloading the tab sends the delete with `keepalive`.
 */
import { useRouter, useSearchParams } from 'next/navigation'
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useRequireUser } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import { ApiError, api } from '@/lib/api'
import {
  filtersToSearchParams,
  hasActiveFilters,
  parseFilters,
  type TaskFilters,
  tasksHref,
  toApiQuery,
  withoutFilters,
  withTag,
} from '@/lib/task-query'
import type { Task, TaskInput, TaskList } from '@/lib/types'
import { TaskCreateForm } from './task-create-form'
import { TaskFilterBar } from './task-filters'
import { TaskItem } from './task-item'
import { TaskListSkeleton } from './task-skeleton'
import { useNow } from './use-now'

export const PAGE_SIZE = 20
export const UNDO_MS = 5000
const NOTICE_MS = 8000

const GENERIC = 'Something went wrong. Please try again.'
const messageOf = (err: unknown) => (err instanceof ApiError ? err.message : GENERIC)
const isAbort = (err: unknown) => err instanceof DOMException && err.name === 'AbortError'

type Notice = { key: number; text: string }

const withId = (set: ReadonlySet<string>, id: string) => new Set(set).add(id)
const withoutId = (set: ReadonlySet<string>, id: string) => {
  const next = new Set(set)
  next.delete(id)
  return next
}
type PendingDelete = { task: Task; timer: ReturnType<typeof setTimeout> }

export function TasksScreen() {
  const user = useRequireUser()
  const router = useRouter()
  const searchParams = useSearchParams()
  const search = searchParams.toString()
  const filters = useMemo(() => parseFilters(new URLSearchParams(search)), [search])
  const listQuery = toApiQuery(filters, { limit: PAGE_SIZE })
  const basePath = user ? `/api/${encodeURIComponent(user.id)}/tasks` : null
  const now = useNow()

  const [items, setItems] = useState<Task[]>([])
  const [nextCursor, setNextCursor] = useState<string | null>(null)
  const [phase, setPhase] = useState<'loading' | 'ready' | 'error'>('loading')
  const [loadError, setLoadError] = useState('')
  const [loadingMore, setLoadingMore] = useState(false)
  const [reloads, setReloads] = useState(0)
  const [saving, setSaving] = useState<ReadonlySet<string>>(new Set())
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set())
  const [undoable, setUndoable] = useState<Task | null>(null)
  const [notice, setNotice] = useState<Notice | null>(null)
  const [focusId, setFocusId] = useState<string | null>(null)

  const mounted = useRef(true)
  const basePathRef = useRef(basePath)
  basePathRef.current = basePath
  const shownQuery = useRef(listQuery)
  const toggling = useRef(new Set<string>())
  const pending = useRef<PendingDelete | null>(null)
  const headingRef = useRef<HTMLHeadingElement>(null)
  const undoRef = useRef<HTMLButtonElement>(null)
  const tempSeq = useRef(0)

  const notify = useCallback((text: string) => {
    if (mounted.current) setNotice({ key: Date.now() + Math.random(), text })
  }, [])
  useEffect(() => {
    if (!notice) return
    const timer = setTimeout(() => setNotice(null), NOTICE_MS)
    return () => clearTimeout(timer)
  }, [notice])

  const setFilters = useCallback((next: TaskFilters) => router.replace(tasksHref(next), { scroll: false }), [router])

  // The list for the current filters (first page).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `reloads` re-runs the request ("Try again")
  useEffect(() => {
    if (!basePath) return
    const controller = new AbortController()
    shownQuery.current = listQuery
    setPhase('loading')
    setNextCursor(null) // the old list's cursor means nothing for the new query
    api<TaskList>(`${basePath}?${listQuery}`, { signal: controller.signal })
      .then((page) => {
        if (controller.signal.aborted) return
        setItems(page.items)
        setNextCursor(page.next_cursor)
        setPhase('ready')
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted || isAbort(err)) return
        setLoadError(messageOf(err))
        setPhase('error')
      })
    return () => controller.abort()
  }, [basePath, listQuery, reloads])

  async function loadMore() {
    if (!basePath || !nextCursor || loadingMore) return
    const query = listQuery
    setLoadingMore(true)
    try {
      const page = await api<TaskList>(`${basePath}?${toApiQuery(filters, { limit: PAGE_SIZE, cursor: nextCursor })}`)
      if (shownQuery.current !== query || !mounted.current) return
      setItems((prev) => [...prev, ...page.items.filter((task) => !prev.some((p) => p.id === task.id))])
      setNextCursor(page.next_cursor)
      // The button goes away on the last page: keep keyboard focus in the list, on the first new task.
      const first = page.items[0]
      if (!page.next_cursor && first) setFocusId(`task-${first.id}-done`)
    } catch (err) {
      notify(`Couldn't load more tasks. ${messageOf(err)}`)
    } finally {
      if (mounted.current) setLoadingMore(false)
    }
  }

  const replaceTask = (saved: Task) => setItems((prev) => prev.map((t) => (t.id === saved.id ? saved : t)))
  const patchTask = (id: string, patch: Partial<Task>) =>
    setItems((prev) => prev.map((t) => (t.id === id ? { ...t, ...patch } : t)))
  const removeTask = (id: string) => setItems((prev) => prev.filter((t) => t.id !== id))

  // ---- create (optimistic) ----
  async function create(input: TaskInput): Promise<ApiError | null> {
    if (!basePath || !user) return null
    const title = input.title.trim()
    let tempId: string | null = null
    if (title !== '') {
      tempId = `new-${++tempSeq.current}`
      const stamp = new Date().toISOString()
      const temp: Task = {
        id: tempId,
        user_id: user.id,
        title,
        description: input.description ?? '',
        completed: false,
        priority: input.priority ?? 'medium',
        tags: [...new Set((input.tags ?? []).map((t) => t.toLowerCase()))],
        due_at: input.due_at ?? null,
        completed_at: null,
        created_at: stamp,
        updated_at: stamp,
      }
      setItems((prev) => [temp, ...prev])
      setSaving((s) => withId(s, temp.id))
    }
    const dropTemp = () => {
      if (!tempId) return
      const id = tempId
      setSaving((s) => withoutId(s, id))
    }
    try {
      const saved = await api<Task>(basePath, { method: 'POST', body: input })
      if (mounted.current) {
        setItems((prev) => {
          const rest = prev.filter((t) => t.id !== tempId && t.id !== saved.id)
          const at = prev.findIndex((t) => t.id === tempId)
          if (at < 0) return [saved, ...rest]
          return [...rest.slice(0, at), saved, ...rest.slice(at)]
        })
        dropTemp()
      }
      return null
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(0, GENERIC)
      if (mounted.current) {
        if (tempId) removeTask(tempId)
        dropTemp()
        const known = error.errors.some(({ field }) => /^(title|description|priority|tags|due_at)(\.|$)/.test(field))
        if (!known) notify(title ? `Couldn't add “${title}”. ${error.message}` : error.message)
      }
      return error
    }
  }

  // ---- complete toggle (optimistic) ----
  async function toggle(task: Task, completed: boolean) {
    if (!basePath || toggling.current.has(task.id)) return
    toggling.current.add(task.id)
    patchTask(task.id, { completed, completed_at: completed ? new Date().toISOString() : null })
    try {
      const saved = await api<Task>(`${basePath}/${encodeURIComponent(task.id)}/complete`, {
        method: 'PATCH',
        body: { completed },
      })
      if (mounted.current) replaceTask(saved)
    } catch (err) {
      if (!mounted.current) return
      if (err instanceof ApiError && err.status === 404) {
        removeTask(task.id)
        notify(`“${task.title}” no longer exists. It may have been deleted elsewhere.`)
      } else {
        patchTask(task.id, { completed: task.completed, completed_at: task.completed_at })
        notify(`Couldn't mark “${task.title}” as ${completed ? 'done' : 'not done'}. ${messageOf(err)}`)
      }
    } finally {
      toggling.current.delete(task.id)
    }
  }

  // ---- delete with undo ----
  const commitDelete = useCallback(
    (task: Task) => {
      const base = basePathRef.current
      if (!base) return
      const gone = () => {
        if (!mounted.current) return
        setItems((prev) => prev.filter((t) => t.id !== task.id))
        setHidden((h) => withoutId(h, task.id))
      }
      api(`${base}/${encodeURIComponent(task.id)}`, { method: 'DELETE' }).then(gone, (err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return gone()
        if (!mounted.current) return
        setHidden((h) => withoutId(h, task.id))
        notify(`Couldn't delete “${task.title}”, so it is back in your list. ${messageOf(err)}`)
      })
    },
    [notify],
  )

  /** Ends the undo window now: the pending deletion goes to the server. */
  const flushPending = useCallback(() => {
    const entry = pending.current
    if (!entry) return
    clearTimeout(entry.timer)
    pending.current = null
    commitDelete(entry.task)
  }, [commitDelete])

  function requestDelete(task: Task) {
    flushPending()
    setHidden((h) => withId(h, task.id))
    const timer = setTimeout(() => {
      if (pending.current?.task.id !== task.id) return
      pending.current = null
      if (undoRef.current && document.activeElement === undoRef.current) headingRef.current?.focus()
      setUndoable(null)
      commitDelete(task)
    }, UNDO_MS)
    pending.current = { task, timer }
    setUndoable(task)
    setFocusId('undo')
  }

  function undoDelete() {
    const entry = pending.current
    if (!entry) return
    clearTimeout(entry.timer)
    pending.current = null
    setHidden((h) => withoutId(h, entry.task.id))
    setUndoable(null)
    setFocusId(`task-${entry.task.id}-done`)
    notify(`Restored “${entry.task.title}”.`)
  }

  useEffect(() => {
    if (!focusId) return
    const target = focusId === 'undo' ? undoRef.current : document.getElementById(focusId)
    target?.focus()
    setFocusId(null)
  }, [focusId])

  // Leaving within the app: the deletion happens now instead of after the window.
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
      flushPending()
    }
  }, [flushPending])

  // Closing or reloading the tab: keepalive lets the request outlive the page. It carries the
  // session cookie (the in-memory access token is not reachable from here, nor needed).
  useEffect(() => {
    function onPageHide() {
      const entry = pending.current
      const base = basePathRef.current
      if (!entry || !base) return
      clearTimeout(entry.timer)
      pending.current = null
      setUndoable(null)
      fetch(`${base}/${encodeURIComponent(entry.task.id)}`, {
        method: 'DELETE',
        credentials: 'same-origin',
        keepalive: true,
      }).catch(() => {})
    }
    window.addEventListener('pagehide', onPageHide)
    return () => window.removeEventListener('pagehide', onPageHide)
  }, [])

  const listSearch = filtersToSearchParams(filters).toString()
  const editHref = (task: Task) =>
    `/tasks/${encodeURIComponent(task.id)}${listSearch ? `?from=${encodeURIComponent(listSearch)}` : ''}`
  const onTag = (tag: string) =>
    setFilters(
      filters.tags.includes(tag) ? { ...filters, tags: filters.tags.filter((t) => t !== tag) } : withTag(filters, tag),
    )

  const visible = items.filter((task) => !hidden.has(task.id))
  const filtered = hasActiveFilters(filters)

  let body: ReactNode
  if (!user || (phase === 'loading' && items.length === 0)) {
    body = <TaskListSkeleton />
  } else if (phase === 'error') {
    body = (
      <div className="rounded-xl border border-red-200 bg-red-50 p-4 text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-200">
        <p>Couldn't load your tasks. {loadError}</p>
        <Button variant="secondary" className="mt-3 min-h-10" onClick={() => setReloads((n) => n + 1)}>
          Try again
        </Button>
      </div>
    )
  } else if (visible.length === 0 && phase === 'ready' && !nextCursor) {
    body = filtered ? (
      <div className="rounded-xl border border-dashed border-slate-300 px-4 py-10 text-center dark:border-slate-700">
        <p className="font-medium">No tasks match these filters.</p>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">Try a different search, or show everything.</p>
        <Button variant="secondary" className="mt-4 min-h-10" onClick={() => setFilters(withoutFilters(filters))}>
          Clear filters
        </Button>
      </div>
    ) : (
      <div className="rounded-xl border border-dashed border-slate-300 px-4 py-10 text-center dark:border-slate-700">
        <p className="font-medium">No tasks yet.</p>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          Add your first one above — it only needs a title.
        </p>
      </div>
    )
  } else {
    body = (
      <>
        <ul
          aria-label="Tasks"
          aria-busy={phase === 'loading' || undefined}
          className={`space-y-2 transition-opacity ${phase === 'loading' ? 'opacity-60' : ''}`}
        >
          {visible.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              now={now}
              saving={saving.has(task.id)}
              editHref={editHref(task)}
              activeTags={filters.tags}
              onToggle={toggle}
              onDelete={requestDelete}
              onTag={onTag}
            />
          ))}
        </ul>
        {nextCursor ? (
          <div className="mt-4 flex justify-center">
            <Button variant="secondary" className="min-h-10 w-full sm:w-auto" pending={loadingMore} onClick={loadMore}>
              {loadingMore ? 'Loading…' : 'Load more'}
            </Button>
          </div>
        ) : null}
      </>
    )
  }

  return (
    <div className="space-y-6 pb-16">
      <h1 ref={headingRef} tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
        Tasks
      </h1>
      <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <TaskCreateForm onCreate={create} />
      </div>
      <TaskFilterBar filters={filters} onChange={setFilters} />
      <section aria-label="Task list">{body}</section>

      <div className="pointer-events-none fixed inset-x-0 bottom-0 z-20 flex flex-col items-center gap-2 px-4 pb-[max(1rem,env(safe-area-inset-bottom))]">
        <div role="status" aria-live="polite" className="w-full max-w-md">
          {notice ? (
            <div
              key={notice.key}
              className="pointer-events-auto flex items-start gap-2 rounded-xl bg-slate-900 py-2 pr-2 pl-4 text-sm text-white shadow-lg dark:bg-slate-100 dark:text-slate-900"
            >
              <p className="flex-1 py-2">{notice.text}</p>
              <button
                type="button"
                onClick={() => setNotice(null)}
                className="min-h-10 shrink-0 rounded-lg px-3 font-medium hover:bg-white/10 dark:hover:bg-slate-900/10"
              >
                Dismiss
              </button>
            </div>
          ) : null}
        </div>
        <div role="status" aria-live="polite" className="w-full max-w-md">
          {undoable ? (
            <div className="pointer-events-auto flex items-center gap-2 rounded-xl bg-slate-900 py-2 pr-2 pl-4 text-sm text-white shadow-lg dark:bg-slate-100 dark:text-slate-900">
              <p className="min-w-0 flex-1">Task deleted</p>
              <button
                ref={undoRef}
                type="button"
                onClick={undoDelete}
                className="min-h-10 shrink-0 rounded-lg px-3 font-semibold text-indigo-300 hover:bg-white/10 dark:text-indigo-700 dark:hover:bg-slate-900/10"
              >
                Undo
              </button>
            </div>
          ) : null}
        </div>
      </div>
    </div>
  )
}

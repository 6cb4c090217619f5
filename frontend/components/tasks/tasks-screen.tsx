'use client'

/**
 * The task list: inline create, filters in the URL, complete toggles, delete with undo
 * (use-undo-delete.ts), and "Load more" (use-task-pages.ts). Toggle, create and delete are
 * optimistic (use-optimistic-tasks.ts); when the server refuses, the change is rolled back and
 * a message says so.
 */
import { useRouter, useSearchParams } from 'next/navigation'
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useRequireUser } from '@/components/auth-provider'
import { useTaskSync } from '@/components/live-sync/live-sync-provider'
import { Button } from '@/components/ui/button'
import { applyToList } from '@/lib/live-sync/apply-to-list'
import type { TaskSyncEvent } from '@/lib/live-sync/events'
import { type GroupKey, groupTasks } from '@/lib/task-groups'
import {
  filtersToSearchParams,
  hasActiveFilters,
  parseFilters,
  type TaskFilters,
  tasksHref,
  withoutFilters,
  withTag,
} from '@/lib/task-query'
import { tasksApi } from '@/lib/tasks-api'
import type { Task } from '@/lib/types'
import { clearFlash, peekFlash } from './flash'
import { ShortcutsHelp } from './shortcuts-help'
import { TaskCreateForm } from './task-create-form'
import { TaskFilterBar } from './task-filters'
import { TaskItem } from './task-item'
import { TaskListSkeleton } from './task-skeleton'
import { useNotice } from './use-notice'
import { useNow } from './use-now'
import { useOptimisticTasks } from './use-optimistic-tasks'
import { useShortcuts } from './use-shortcuts'
import { useTaskPages } from './use-task-pages'
import { useUndoDelete } from './use-undo-delete'
import { ViewTabs } from './view-tabs'

export { PAGE_SIZE } from './use-task-pages'
export { UNDO_MS } from './use-undo-delete'

export function TasksScreen() {
  const user = useRequireUser()
  const router = useRouter()
  const searchParams = useSearchParams()
  const search = searchParams.toString()
  const filters = useMemo(() => parseFilters(new URLSearchParams(search)), [search])
  const userId = user?.id
  const tasks = useMemo(() => (userId ? tasksApi(userId) : null), [userId])
  const now = useNow()
  const headingRef = useRef<HTMLHeadingElement>(null)
  const [focusId, setFocusId] = useState<string | null>(null)

  const { notice, notify, dismiss } = useNotice()
  const pages = useTaskPages(tasks, filters, now, notify, (first) => setFocusId(`task-${first.id}-done`))
  const { items, setItems, hasMore, phase, loadError, loadingMore, loadMore } = pages
  const { saving, create, toggle } = useOptimisticTasks(tasks, user, setItems, notify, pages)
  const { hidden, undoable, undoRef, requestDelete, undoDelete, dismissUndo } = useUndoDelete(
    tasks,
    setItems,
    notify,
    setFocusId,
    headingRef,
  )

  // Changes made elsewhere (another tab, device or client), in place when the list can place
  // them, otherwise by fetching what is shown again. A task changed elsewhere is sorted into its
  // section anew (one ticked off here stays put; see `placed` below).
  const listNow = useRef({ items, filters, now, complete: !hasMore && phase === 'ready' })
  listNow.current = { items, filters, now, complete: !hasMore && phase === 'ready' }
  const missedWhileLoading = useRef(false)
  const heldBack = useRef<TaskSyncEvent[]>([])
  const applyEvent = (event: TaskSyncEvent) => {
    const { items: shown, ...context } = listNow.current
    if (event.type === 'task.deleted') pages.forgetAdded(event.id)
    if (event.type === 'task.created' || event.type === 'task.updated') placed.current.delete(event.task.id)
    if (applyToList(shown, event, context).refetch) return pages.refresh()
    setItems((prev) => {
      const change = applyToList(prev, event, context)
      return change.refetch ? prev : change.items
    })
  }
  useTaskSync((event) => {
    // A load in flight may have been read before this change: fetch again once it is in.
    if (phase === 'loading') {
      missedWhileLoading.current = true
      return
    }
    // Most likely this tab's own add, heard before its answer: the add puts it in its draft's
    // place (use-optimistic-tasks.ts). Applied after the adds in flight, in case it was not ours.
    const draft = (task: Task) => task.id.startsWith('new-') && saving.has(task.id)
    if (event.type === 'task.created' && listNow.current.items.some((t) => draft(t) && t.title === event.task.title)) {
      heldBack.current.push(event)
      return
    }
    applyEvent(event)
  })
  // biome-ignore lint/correctness/useExhaustiveDependencies: once the adds in flight have settled.
  useEffect(() => {
    if (saving.size > 0 || heldBack.current.length === 0) return
    const events = heldBack.current.splice(0)
    for (const event of events) {
      if (event.type === 'task.created' && !listNow.current.items.some((t) => t.id === event.task.id)) applyEvent(event)
    }
  }, [saving])

  // biome-ignore lint/correctness/useExhaustiveDependencies: when a load ends.
  useEffect(() => {
    if (phase !== 'ready' || !missedWhileLoading.current) return
    missedWhileLoading.current = false
    pages.refresh()
  }, [phase])

  // Back from the editor: the saved task gets the focus and "Saved"; a deleted one goes with undo.
  const [flash] = useState(peekFlash)
  useEffect(clearFlash, [])
  const flashDone = useRef(false)
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the list is first ready.
  useEffect(() => {
    if (flashDone.current || !flash || !user) return
    if ('remove' in flash) {
      flashDone.current = true
      requestDelete(flash.remove)
    } else if (phase === 'ready') {
      flashDone.current = true
      notify(`Saved “${flash.saved.title}”.`)
      setFocusId(`task-${flash.saved.id}-done`)
    }
  }, [phase, user])

  // Arriving with nothing focused (after signing in or up, or a new page): start at the heading.
  useEffect(() => {
    if (!flash && (document.activeElement === document.body || !document.activeElement)) {
      headingRef.current?.focus({ preventScroll: true })
    }
  }, [flash])

  // A search's result count is said aloud (the list changing is silent otherwise), once the list
  // for that search has loaded: never the count of the list before it.
  const shownCount = items.filter((task) => !hidden.has(task.id)).length
  const searched = filters.q.trim()
  const searchLoad = useRef({ q: '', loaded: true })
  // biome-ignore lint/correctness/useExhaustiveDependencies: said when a search's list arrives, not on each later change.
  useEffect(() => {
    if (phase === 'loading') searchLoad.current = { q: searched, loaded: false }
    if (phase !== 'ready' || !searched || searchLoad.current.loaded || searchLoad.current.q !== searched) return
    searchLoad.current.loaded = true
    const more = hasMore ? ' or more' : ''
    if (shownCount === 0) notify(`No tasks match “${searched}”.`)
    else notify(`${shownCount}${more} ${shownCount === 1 && !hasMore ? 'task matches' : 'tasks match'} “${searched}”.`)
  }, [searched, phase])

  // Escape dismisses the undo toast (the deletion then happens at once).
  useEffect(() => {
    if (!undoable) return
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') dismissUndo()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [undoable, dismissUndo])

  const helpRef = useRef<HTMLDialogElement>(null)
  useShortcuts({
    quickAdd: () => document.querySelector<HTMLElement>('form[aria-label="Add a task"] [name="title"]')?.focus(),
    search: () => document.querySelector<HTMLElement>('input[type="search"]')?.focus(),
    view: (view) => router.push(tasksHref({ ...filters, view }), { scroll: false }),
    help: () => helpRef.current?.showModal(),
  })

  const setFilters = useCallback((next: TaskFilters) => router.replace(tasksHref(next), { scroll: false }), [router])

  useEffect(() => {
    if (!focusId) return
    const target = focusId === 'undo' ? undoRef.current : document.getElementById(focusId)
    target?.focus()
    setFocusId(null)
  }, [focusId, undoRef])

  const listSearch = filtersToSearchParams(filters).toString()
  const editHref = (task: Task) =>
    `/tasks/${encodeURIComponent(task.id)}${listSearch ? `?from=${encodeURIComponent(listSearch)}` : ''}`
  const onTag = (tag: string) =>
    setFilters(
      filters.tags.includes(tag) ? { ...filters, tags: filters.tags.filter((t) => t !== tag) } : withTag(filters, tag),
    )

  const visible = items.filter((task) => !hidden.has(task.id))
  // Sections are decided when a list loads; a task ticked off meanwhile stays where it is.
  const placed = useRef(new Map<string, GroupKey>())
  if (phase === 'loading') placed.current.clear()
  // The smart order shows sections (Overdue, Today, …); any other sort is one list in the API's order.
  const sections = (list: Task[]): { key: string; label: string; tasks: Task[] }[] =>
    filters.sort === 'smart' ? groupTasks(list, now, placed.current) : [{ key: 'all', label: '', tasks: list }]
  const filtered = hasActiveFilters(filters)

  let body: ReactNode
  if (!user || (phase === 'loading' && items.length === 0)) {
    body = <TaskListSkeleton />
  } else if (phase === 'error') {
    body = (
      <div className="rounded-xl border border-red-200 bg-red-50 p-4 text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-200">
        <p>Couldn't load your tasks. {loadError}</p>
        <Button variant="secondary" className="mt-3 min-h-11" onClick={pages.reload}>
          Try again
        </Button>
      </div>
    )
  } else if (visible.length === 0 && phase === 'ready' && !hasMore) {
    body = filtered ? (
      <div className="rounded-xl border border-dashed border-slate-300 px-4 py-10 text-center dark:border-slate-700">
        <p className="font-medium">No tasks match these filters.</p>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">Try a different search, or show everything.</p>
        <Button variant="secondary" className="mt-4 min-h-11" onClick={() => setFilters(withoutFilters(filters))}>
          Clear filters
        </Button>
      </div>
    ) : filters.view !== 'all' ? (
      <div className="rounded-xl border border-dashed border-slate-300 px-4 py-10 text-center dark:border-slate-700">
        <p className="font-medium">{filters.view === 'today' ? 'Nothing due today.' : 'Nothing coming up.'}</p>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          Tasks with a due date {filters.view === 'today' ? 'today or earlier' : 'after today'} show here.
        </p>
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
        <div
          aria-busy={phase === 'loading' || undefined}
          className={`space-y-6 transition-opacity ${phase === 'loading' ? 'opacity-60' : ''}`}
        >
          {sections(visible).map((section) => (
            <section key={section.key} aria-labelledby={section.label ? `tasks-${section.key}` : undefined}>
              {section.label ? (
                <h2
                  id={`tasks-${section.key}`}
                  className={`mb-2 text-sm font-semibold tracking-wide uppercase ${
                    section.key === 'overdue' ? 'text-red-700 dark:text-red-400' : 'text-slate-600 dark:text-slate-400'
                  }`}
                >
                  {section.label}
                </h2>
              ) : null}
              <ul aria-label={section.label || 'Tasks'} className="space-y-2">
                {section.tasks.map((task) => (
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
            </section>
          ))}
        </div>
        {hasMore ? (
          <div className="mt-4 flex justify-center">
            <Button variant="secondary" className="min-h-11 w-full sm:w-auto" pending={loadingMore} onClick={loadMore}>
              {loadingMore ? 'Loading…' : 'Load more'}
            </Button>
          </div>
        ) : null}
      </>
    )
  }

  return (
    <div className="space-y-6 pb-16">
      <div className="flex items-center justify-between gap-2">
        <h1 ref={headingRef} tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
          Tasks
        </h1>
        <button
          type="button"
          onClick={() => helpRef.current?.showModal()}
          className="hidden min-h-11 items-center rounded-lg px-2 text-sm font-medium text-slate-600 hover:bg-slate-100 sm:inline-flex dark:text-slate-300 dark:hover:bg-slate-800"
        >
          Keyboard shortcuts{' '}
          <kbd className="ml-1.5 rounded border border-slate-300 px-1.5 font-mono text-xs dark:border-slate-600">?</kbd>
        </button>
      </div>
      <ShortcutsHelp dialogRef={helpRef} />
      <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <TaskCreateForm onCreate={create} />
      </div>
      <ViewTabs filters={filters} />
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
                onClick={dismiss}
                className="min-h-11 shrink-0 rounded-lg px-3 font-medium hover:bg-white/10 dark:hover:bg-slate-900/10"
              >
                Dismiss
              </button>
            </div>
          ) : null}
        </div>
        <div role="status" aria-live="polite" className="w-full max-w-md">
          {undoable ? (
            <div className="pointer-events-auto flex items-center gap-2 rounded-xl bg-slate-900 py-2 pr-2 pl-4 text-sm text-white shadow-lg dark:bg-slate-100 dark:text-slate-900">
              <p className="min-w-0 flex-1 break-words">Deleted “{undoable.title}”</p>
              <button
                ref={undoRef}
                type="button"
                onClick={undoDelete}
                className="min-h-11 min-w-11 shrink-0 rounded-lg px-3 font-semibold text-indigo-300 hover:bg-white/10 dark:text-indigo-700 dark:hover:bg-slate-900/10"
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

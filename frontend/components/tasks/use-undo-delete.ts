'use client'

/**
 * Delete with undo: the task is hidden at once and deleted on the server only when the undo
 * window closes. Nothing is lost when the page is left inside the window: leaving within the
 * app deletes at once, and closing or reloading the tab sends the delete with `keepalive`.
 */
import { type Dispatch, type RefObject, type SetStateAction, useCallback, useEffect, useRef, useState } from 'react'
import { useMounted } from '@/components/ui/use-mounted'
import { ApiError, errorMessage } from '@/lib/api'
import type { TasksApi } from '@/lib/tasks-api'
import type { Task } from '@/lib/types'
import { withoutId } from './use-optimistic-tasks'

export const UNDO_MS = 5000

type PendingDelete = { task: Task; timer: ReturnType<typeof setTimeout> }

/**
 * `focus('undo')` after a delete, `focus(elementId)` after an undo; when the window closes with
 * the Undo button focused, focus moves to `fallbackFocus`.
 */
export function useUndoDelete(
  tasks: TasksApi | null,
  setItems: Dispatch<SetStateAction<Task[]>>,
  notify: (text: string) => void,
  focus: (target: string) => void,
  fallbackFocus: RefObject<HTMLElement | null>,
) {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set())
  const [undoable, setUndoable] = useState<Task | null>(null)
  const mounted = useMounted()
  const tasksRef = useRef(tasks)
  tasksRef.current = tasks
  const pending = useRef<PendingDelete | null>(null)
  const undoRef = useRef<HTMLButtonElement>(null)

  const commitDelete = useCallback(
    (task: Task) => {
      const api = tasksRef.current
      if (!api) return
      const gone = () => {
        if (!mounted.current) return
        setItems((prev) => prev.filter((t) => t.id !== task.id))
        setHidden((h) => withoutId(h, task.id))
      }
      api.remove(task.id).then(gone, (err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return gone()
        if (!mounted.current) return
        setHidden((h) => withoutId(h, task.id))
        notify(`Couldn't delete “${task.title}”, so it is back in your list. ${errorMessage(err)}`)
      })
    },
    [mounted, notify, setItems],
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
    setHidden((h) => new Set(h).add(task.id))
    const timer = setTimeout(() => {
      if (pending.current?.task.id !== task.id) return
      pending.current = null
      if (undoRef.current && document.activeElement === undoRef.current) fallbackFocus.current?.focus()
      setUndoable(null)
      commitDelete(task)
    }, UNDO_MS)
    pending.current = { task, timer }
    setUndoable(task)
    focus('undo')
  }

  function undoDelete() {
    const entry = pending.current
    if (!entry) return
    clearTimeout(entry.timer)
    pending.current = null
    setHidden((h) => withoutId(h, entry.task.id))
    setUndoable(null)
    focus(`task-${entry.task.id}-done`)
    notify(`Restored “${entry.task.title}”.`)
  }

  /** Escape or "Dismiss": no undo after all, the deletion happens now. */
  function dismissUndo() {
    if (!pending.current) return
    if (undoRef.current && document.activeElement === undoRef.current) fallbackFocus.current?.focus()
    setUndoable(null)
    flushPending()
  }

  // Leaving within the app: the deletion happens now instead of after the window.
  useEffect(() => flushPending, [flushPending])

  // Closing or reloading the tab: the request has to outlive the page.
  useEffect(() => {
    function onPageHide() {
      const entry = pending.current
      const api = tasksRef.current
      if (!entry || !api) return
      clearTimeout(entry.timer)
      pending.current = null
      setUndoable(null)
      api.removeOnUnload(entry.task.id)
    }
    window.addEventListener('pagehide', onPageHide)
    return () => window.removeEventListener('pagehide', onPageHide)
  }, [])

  return { hidden, undoable, undoRef, requestDelete, undoDelete, dismissUndo }
}

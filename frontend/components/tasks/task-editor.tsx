'use client'

/**
 * Edit one task: loads it (a missing one gets a friendly 404), then hands it to the form
 * (task-edit-form.tsx).
 */
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useMemo, useState } from 'react'
import { useRequireUser } from '@/components/auth-provider'
import { useTaskSync } from '@/components/live-sync/live-sync-provider'
import { Button } from '@/components/ui/button'
import { FormAlert } from '@/components/ui/form-alert'
import { useLoaded } from '@/components/ui/use-loaded'
import { ApiError } from '@/lib/api'
import { tasksApi } from '@/lib/tasks-api'
import type { Task } from '@/lib/types'
import { setFlash } from './flash'
import { BackLink, TaskEditForm } from './task-edit-form'

export function TaskEditor({ id, backHref }: { id: string; backHref: string }) {
  const user = useRequireUser()
  const router = useRouter()
  const userId = user?.id
  const tasks = useMemo(() => (userId ? tasksApi(userId) : null), [userId])
  const loaded = useLoaded<Task>(tasks && ((signal) => tasks.read(id, signal)), [tasks, id])
  // Deleted elsewhere while being edited: the form says so by calling onGone, live sync by an event.
  const [gone, setGone] = useState<'missing' | 'deleted' | null>(null)
  // The task as changed elsewhere (live sync): the form takes it, or offers it when it has unsaved input.
  const [remote, setRemote] = useState<Task | null>(null)
  useTaskSync((event) => {
    if (!tasks) return
    if (event.type === 'task.deleted' && event.id === id) setGone('deleted')
    else if ((event.type === 'task.updated' || event.type === 'task.created') && event.task.id === id)
      setRemote(event.task)
    else if (event.type === 'refetch') {
      tasks.read(id).then(setRemote, (err: unknown) => {
        if (err instanceof ApiError && err.status === 404) setGone('deleted')
      })
    }
  })

  if (gone === 'deleted') return <NotFound backHref={backHref} deleted />
  if (gone || loaded.error?.status === 404) return <NotFound backHref={backHref} />
  if (loaded.error && !loaded.loading) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">Edit task</h1>
        <FormAlert message={`Couldn't load this task. ${loaded.error.message}`} />
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" className="min-h-10" onClick={loaded.reload}>
            Try again
          </Button>
          <BackLink href={backHref} />
        </div>
      </div>
    )
  }
  if (loaded.loading || !loaded.data || !tasks) {
    return (
      <div className="space-y-4" role="status">
        <h1 className="text-2xl font-semibold tracking-tight">Edit task</h1>
        <span className="sr-only">Loading task…</span>
        <div
          aria-hidden="true"
          className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        >
          {[60, 100, 40].map((w) => (
            <div key={w} className="space-y-2">
              <div className="h-3 w-20 animate-pulse rounded bg-slate-200 dark:bg-slate-700" />
              <div
                className="h-10 animate-pulse rounded-lg bg-slate-100 dark:bg-slate-800"
                style={{ width: `${w}%` }}
              />
            </div>
          ))}
        </div>
      </div>
    )
  }
  return (
    <TaskEditForm
      key={loaded.data.id}
      task={loaded.data}
      tasks={tasks}
      backHref={backHref}
      onSaved={(saved) => {
        setFlash({ saved })
        router.push(backHref)
      }}
      onDelete={(task) => {
        setFlash({ remove: task })
        router.push(backHref)
      }}
      onGone={() => setGone('missing')}
      remote={remote}
    />
  )
}

/** A missing task; `deleted`: it was open here when it was deleted elsewhere, which is said aloud. */
function NotFound({ backHref, deleted = false }: { backHref: string; deleted?: boolean }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white px-4 py-10 text-center shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h1 className="text-2xl font-semibold tracking-tight">{deleted ? 'Task deleted' : 'Task not found'}</h1>
      {deleted ? (
        <p role="alert" className="mt-2 text-slate-600 dark:text-slate-400">
          This task was deleted elsewhere (in another tab or on another device).
        </p>
      ) : (
        <p className="mt-2 text-slate-600 dark:text-slate-400">It may have been deleted, or the link is incomplete.</p>
      )}
      <Link
        href={backHref}
        className="mt-6 inline-flex min-h-10 items-center justify-center rounded-lg bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-500"
      >
        Back to your tasks
      </Link>
    </div>
  )
}

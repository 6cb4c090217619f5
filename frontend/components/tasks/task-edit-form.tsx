'use client'

/**
 * The edit form for a loaded task: every editable field (PUT), plus completion (PATCH
 * …/complete) when it changed; the API's field errors show inline. Delete goes back to the
 * list, which deletes with its undo toast (one delete behaviour everywhere).
 */
import Link from 'next/link'
import { type MouseEvent, useEffect, useState } from 'react'
import { Button } from '@/components/ui/button'
import { FormAlert } from '@/components/ui/form-alert'
import { useApiForm } from '@/components/ui/use-api-form'
import { ApiError } from '@/lib/api'
import { TASK_DESCRIPTION_MAX_LENGTH, TASK_TAGS_MAX_ITEMS } from '@/lib/api/limits'
import { type DueParts, NO_DUE, toDueParts } from '@/lib/due-date'
import { formatTags, parseTags, TASK_FIELDS, taskFieldOf } from '@/lib/task-form'
import type { TasksApi } from '@/lib/tasks-api'
import type { Priority, Task } from '@/lib/types'
import { TextAreaField } from './form-controls'
import { DueField, PriorityField, readDue, TagsField } from './task-fields'

type Values = {
  title: string
  description: string
  priority: Priority
  due: DueParts
  tags: string
  completed: boolean
}

const valuesOf = (task: Task): Values => ({
  title: task.title,
  description: task.description,
  priority: task.priority,
  due: toDueParts(task.due_at),
  tags: formatTags(task.tags),
  completed: task.completed,
})

const FIX_FIELDS = 'Please fix the fields marked below.'

export function TaskEditForm({
  task: initial,
  tasks,
  backHref,
  onSaved,
  onDelete,
  onGone,
  remote = null,
}: {
  task: Task
  tasks: TasksApi
  backHref: string
  onSaved: (task: Task) => void
  onDelete: (task: Task) => void
  onGone: () => void
  /** The task as last changed elsewhere (live sync); taken at once unless the form has unsaved input. */
  remote?: Task | null
}) {
  const [task, setTask] = useState(initial)
  const [values, setValues] = useState<Values>(() => valuesOf(initial))
  const { form, errors, alert, pending, submit, showErrors, clearError } = useApiForm(TASK_FIELDS, {
    fieldOf: taskFieldOf,
    fieldsAlert: FIX_FIELDS,
  })

  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [key]: value }))
    if (key === 'due') clearError('due_at')
    else if (key !== 'completed') clearError(key as Exclude<K, 'completed' | 'due'>)
  }
  /** Deleted elsewhere meanwhile: the page says so instead of the form. */
  const gone = (err: ApiError) => {
    if (err.status !== 404) return false
    onGone()
    return true
  }

  async function save() {
    // An untouched due date is sent exactly as stored (the inputs have no seconds), so an edit
    // never moves nor clears a due date its user did not touch.
    const stored = toDueParts(task.due_at)
    const untouched = values.due.date === stored.date && values.due.time === stored.time
    const due = readDue(form.current, values.due)
    if (!due.ok) return showErrors({ due_at: due.error }, FIX_FIELDS)
    const dueAt = untouched ? task.due_at : due.dueAt
    const { completed, due: _due, ...fields } = values
    let current = task
    const saved = await submit(async () => {
      current = await tasks.update(task.id, { ...fields, tags: parseTags(values.tags), due_at: dueAt })
      setTask(current)
      if (completed === current.completed) return
      try {
        current = await tasks.complete(task.id, completed)
      } catch (err) {
        if (!(err instanceof ApiError) || err.status === 404) throw err
        const what = completed ? 'done' : 'not done'
        const prefix = `Your changes were saved, but the task couldn't be marked as ${what}. `
        throw new ApiError(err.status, prefix + err.message, err.errors, err.code)
      }
      setTask(current)
    }, gone)
    if (saved) onSaved(current)
  }

  // Leaving with unsaved changes asks first: in the app (Back, Cancel) and when closing the tab.
  const dirty = JSON.stringify(values) !== JSON.stringify(valuesOf(task))

  // Changed elsewhere: an untouched form shows the new version; one with unsaved input keeps it
  // and says so, offering the new version (a save would overwrite it).
  const [changedElsewhere, setChangedElsewhere] = useState<Task | null>(null)
  const loadVersion = (next: Task) => {
    setTask(next)
    setValues(valuesOf(next))
    setChangedElsewhere(null)
  }
  // biome-ignore lint/correctness/useExhaustiveDependencies: for each version that arrives, read against the form as it is then.
  useEffect(() => {
    if (!remote || pending) return // a save in flight: its own answer is the newer version
    if (Date.parse(remote.updated_at) < Date.parse(task.updated_at)) return
    if (!dirty) return loadVersion(remote)
    // Our own save, heard before its answer, or the same change made twice: nothing to resolve.
    if (JSON.stringify(valuesOf(remote)) === JSON.stringify(values)) {
      setTask(remote)
      setChangedElsewhere(null)
      return
    }
    setChangedElsewhere(remote)
  }, [remote])
  useEffect(() => {
    if (!dirty) return
    const warn = (event: BeforeUnloadEvent) => event.preventDefault()
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [dirty])
  const confirmLeave = (event: MouseEvent) => {
    if (dirty && !window.confirm('Discard your unsaved changes to this task?')) event.preventDefault()
  }

  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">Edit task</h1>
        <BackLink href={backHref} onClick={confirmLeave} />
      </div>
      <form
        ref={form}
        onSubmit={(event) => {
          event.preventDefault()
          void save()
        }}
        noValidate
        aria-label="Edit task"
        className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900"
      >
        <FormAlert message={alert} />
        <div role="status" aria-live="polite">
          {changedElsewhere ? (
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
              {/* At least 16rem of text: on a phone the button goes below it instead of squeezing it. */}
              <p className="min-w-0 flex-[1_1_16rem]">
                This task changed elsewhere. Your unsaved changes are still here; saving them replaces the other
                version.
              </p>
              <button
                type="button"
                onClick={() => loadVersion(changedElsewhere)}
                className="min-h-11 shrink-0 rounded-lg px-2 font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
              >
                Load the new version
              </button>
            </div>
          ) : null}
        </div>
        {/* A title up to 200 characters is shown whole: the box grows with it; Enter still saves. */}
        <TextAreaField
          label="Title"
          name="title"
          autoComplete="off"
          rows={1}
          value={values.title}
          onChange={(event) => set('title', event.target.value.replace(/\n/g, ' '))}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault()
              form.current?.requestSubmit()
            }
          }}
          error={errors.title}
          className="pt-2 [&_textarea]:field-sizing-content [&_textarea]:resize-none"
        />
        <TextAreaField
          label="Description"
          name="description"
          rows={4}
          value={values.description}
          onChange={(event) => set('description', event.target.value)}
          error={errors.description}
          hint={`${values.description.length}/${TASK_DESCRIPTION_MAX_LENGTH} characters`}
        />
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <PriorityField value={values.priority} onChange={(v) => set('priority', v)} error={errors.priority} />
          <div>
            <DueField value={values.due} onChange={(v) => set('due', v)} error={errors.due_at} />
            {values.due.date || values.due.time ? (
              <button
                type="button"
                onClick={() => set('due', NO_DUE)}
                className="-mt-1 -ml-1 min-h-11 rounded px-1 text-sm font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
              >
                Remove due date
              </button>
            ) : null}
          </div>
        </div>
        <TagsField
          value={values.tags}
          onChange={(v) => set('tags', v)}
          error={errors.tags}
          hint={`Separate tags with commas (up to ${TASK_TAGS_MAX_ITEMS}).`}
        />
        <label className="flex min-h-11 w-fit cursor-pointer items-center gap-3 text-sm font-medium text-slate-700 dark:text-slate-200">
          <input
            type="checkbox"
            name="completed"
            checked={values.completed}
            onChange={(event) => set('completed', event.target.checked)}
            className="size-5 accent-indigo-600"
          />
          Completed
        </label>
        <div className="flex flex-wrap items-center gap-2 pt-4">
          <Button type="submit" pending={pending} className="min-h-11">
            {pending ? 'Saving…' : 'Save'}
          </Button>
          <Link
            href={backHref}
            onClick={confirmLeave}
            className="inline-flex min-h-11 items-center justify-center rounded-lg border border-slate-300 bg-white px-4 text-sm font-medium text-slate-800 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800"
          >
            Cancel
          </Link>
          <button
            type="button"
            disabled={pending}
            onClick={() => onDelete(task)}
            className="ml-auto inline-flex min-h-11 items-center rounded-lg px-4 text-sm font-medium text-red-700 transition hover:bg-red-50 disabled:cursor-not-allowed disabled:opacity-60 dark:text-red-400 dark:hover:bg-red-950"
          >
            Delete
          </button>
        </div>
      </form>
    </div>
  )
}

/** "← Back to tasks", to the list as it was left. */
export function BackLink({ href, onClick }: { href: string; onClick?: (event: MouseEvent) => void }) {
  return (
    <Link
      href={href}
      onClick={onClick}
      className="inline-flex min-h-11 items-center rounded-lg px-2 text-sm font-medium text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
    >
      <span aria-hidden="true">←&nbsp;</span>Back to tasks
    </Link>
  )
}

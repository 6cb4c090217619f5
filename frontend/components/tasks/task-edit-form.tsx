'use client'

/**
 * The edit form for a loaded task: every editable field (PUT), plus completion (PATCH
 * …/complete) when it changed; the API's field errors show inline. Delete asks first.
 */
import Link from 'next/link'
import { useEffect, useState } from 'react'
import { Button } from '@/components/ui/button'
import { Field } from '@/components/ui/field'
import { FormAlert } from '@/components/ui/form-alert'
import { useApiForm } from '@/components/ui/use-api-form'
import { ApiError, errorMessage } from '@/lib/api'
import { TASK_DESCRIPTION_MAX_LENGTH, TASK_TAGS_MAX_ITEMS } from '@/lib/api/limits'
import { formatTags, fromLocalInput, parseTags, TASK_FIELDS, taskFieldOf, toLocalInput } from '@/lib/task-form'
import type { TasksApi } from '@/lib/tasks-api'
import type { Priority, Task } from '@/lib/types'
import { TextAreaField } from './form-controls'
import { DueField, PriorityField, TagsField } from './task-fields'

type Values = {
  title: string
  description: string
  priority: Priority
  due_at: string
  tags: string
  completed: boolean
}

const valuesOf = (task: Task): Values => ({
  title: task.title,
  description: task.description,
  priority: task.priority,
  due_at: toLocalInput(task.due_at),
  tags: formatTags(task.tags),
  completed: task.completed,
})

const FIX_FIELDS = 'Please fix the fields marked below.'

export function TaskEditForm({
  task: initial,
  tasks,
  backHref,
  onDone,
  onGone,
}: {
  task: Task
  tasks: TasksApi
  backHref: string
  onDone: () => void
  onGone: () => void
}) {
  const [task, setTask] = useState(initial)
  const [values, setValues] = useState<Values>(() => valuesOf(initial))
  const { form, errors, alert, pending, submit, showErrors, clearError, setAlert } = useApiForm(TASK_FIELDS, {
    fieldOf: taskFieldOf,
    fieldsAlert: FIX_FIELDS,
  })
  const [confirming, setConfirming] = useState(false)
  const [deleting, setDeleting] = useState(false)
  const focusAction = (action: 'delete' | 'keep') =>
    form.current?.querySelector<HTMLElement>(`[data-action="${action}"]`)?.focus()

  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [key]: value }))
    if (key !== 'completed') clearError(key as Exclude<K, 'completed'>)
  }
  /** Deleted elsewhere meanwhile: the page says so instead of the form. */
  const gone = (err: ApiError) => {
    if (err.status !== 404) return false
    onGone()
    return true
  }

  async function save() {
    // An untouched due date is sent exactly as stored (the input has no seconds).
    const dueAt = values.due_at === toLocalInput(task.due_at) ? task.due_at : fromLocalInput(values.due_at)
    if (dueAt === undefined) return showErrors({ due_at: 'Enter a valid date and time' }, FIX_FIELDS)
    const { completed, ...fields } = values
    const saved = await submit(async () => {
      let current = await tasks.update(task.id, { ...fields, tags: parseTags(values.tags), due_at: dueAt })
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
    if (saved) onDone()
  }

  async function remove() {
    setDeleting(true)
    setAlert(undefined)
    try {
      await tasks.remove(task.id)
      onDone()
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return onDone()
      setDeleting(false)
      setConfirming(false)
      setAlert(`Couldn't delete the task. ${errorMessage(err)}`)
      focusAction('delete')
    }
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: focusAction reads the form ref; `confirming` is the trigger.
  useEffect(() => {
    if (confirming) focusAction('keep')
  }, [confirming])

  const busy = pending || deleting

  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">Edit task</h1>
        <BackLink href={backHref} />
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
        <Field
          label="Title"
          name="title"
          autoComplete="off"
          value={values.title}
          onChange={(event) => set('title', event.target.value)}
          error={errors.title}
          className="pt-2"
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
            <DueField value={values.due_at} onChange={(v) => set('due_at', v)} error={errors.due_at} />
            {values.due_at ? (
              <button
                type="button"
                onClick={() => set('due_at', '')}
                className="-mt-1 -ml-1 min-h-10 rounded px-1 text-sm font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
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
        <label className="flex min-h-10 w-fit cursor-pointer items-center gap-3 text-sm font-medium text-slate-700 dark:text-slate-200">
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
          <Button type="submit" pending={pending} disabled={deleting} className="min-h-10">
            {pending ? 'Saving…' : 'Save'}
          </Button>
          <Link
            href={backHref}
            className="inline-flex min-h-10 items-center justify-center rounded-lg border border-slate-300 bg-white px-4 text-sm font-medium text-slate-800 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800"
          >
            Cancel
          </Link>
          <button
            type="button"
            data-action="delete"
            disabled={busy}
            aria-expanded={confirming}
            onClick={() => setConfirming(true)}
            className="ml-auto inline-flex min-h-10 items-center rounded-lg px-4 text-sm font-medium text-red-700 transition hover:bg-red-50 disabled:cursor-not-allowed disabled:opacity-60 dark:text-red-400 dark:hover:bg-red-950"
          >
            Delete
          </button>
        </div>
        {confirming ? (
          <fieldset className="mt-3 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/60 dark:text-red-100">
            <legend className="float-left w-full">Delete “{task.title}”? This can't be undone.</legend>
            <div className="clear-both flex flex-wrap gap-2 pt-3">
              <Button variant="danger" pending={deleting} onClick={remove} className="min-h-10">
                {deleting ? 'Deleting…' : 'Delete task'}
              </Button>
              <Button
                data-action="keep"
                variant="secondary"
                disabled={deleting}
                onClick={() => {
                  setConfirming(false)
                  focusAction('delete')
                }}
                className="min-h-10"
              >
                Keep it
              </Button>
            </div>
          </fieldset>
        ) : null}
      </form>
    </div>
  )
}

/** "← Back to tasks", to the list as it was left. */
export function BackLink({ href }: { href: string }) {
  return (
    <Link
      href={href}
      className="inline-flex min-h-10 items-center rounded-lg px-2 text-sm font-medium text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
    >
      <span aria-hidden="true">←&nbsp;</span>Back to tasks
    </Link>
  )
}

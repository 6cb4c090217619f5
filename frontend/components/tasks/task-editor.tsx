'use client'

/**
 * Edit one task: every editable field (PUT), plus completion (PATCH …/complete) when it
 * changed. The API's field errors show inline; a missing task gets a friendly 404.
 */
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react'
import { useRequireUser } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import { Field } from '@/components/ui/field'
import { FormAlert } from '@/components/ui/form-alert'
import { ApiError, api } from '@/lib/api'
import { TASK_DESCRIPTION_MAX_LENGTH, TASK_TAGS_MAX_ITEMS } from '@/lib/api/limits'
import { formatTags, fromLocalInput, parseTags, type TaskField, taskFieldErrors, toLocalInput } from '@/lib/task-form'
import type { Priority, Task } from '@/lib/types'
import { TextAreaField } from './form-controls'
import { DueField, PriorityField, TagsField } from './task-fields'

const GENERIC = 'Something went wrong. Please try again.'

type Values = { title: string; description: string; priority: Priority; due: string; tags: string; completed: boolean }

const valuesOf = (task: Task): Values => ({
  title: task.title,
  description: task.description,
  priority: task.priority,
  due: toLocalInput(task.due_at),
  tags: formatTags(task.tags),
  completed: task.completed,
})

type Load =
  | { state: 'loading' }
  | { state: 'ready'; task: Task }
  | { state: 'not-found' }
  | { state: 'error'; message: string }

export function TaskEditor({ id, backHref }: { id: string; backHref: string }) {
  const user = useRequireUser()
  const router = useRouter()
  const [load, setLoad] = useState<Load>({ state: 'loading' })
  const [attempt, setAttempt] = useState(0)
  const base = user ? `/api/${encodeURIComponent(user.id)}/tasks/${encodeURIComponent(id)}` : null

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the request ("Try again")
  useEffect(() => {
    if (!base) return
    const controller = new AbortController()
    setLoad({ state: 'loading' })
    api<Task>(base, { signal: controller.signal })
      .then((task) => {
        if (!controller.signal.aborted) setLoad({ state: 'ready', task })
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return
        if (err instanceof ApiError && err.status === 404) setLoad({ state: 'not-found' })
        else setLoad({ state: 'error', message: err instanceof ApiError ? err.message : GENERIC })
      })
    return () => controller.abort()
  }, [base, attempt])

  if (load.state === 'not-found') return <NotFound backHref={backHref} />
  if (load.state === 'error') {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">Edit task</h1>
        <FormAlert message={`Couldn't load this task. ${load.message}`} />
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" className="min-h-10" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </Button>
          <BackLink href={backHref} />
        </div>
      </div>
    )
  }
  if (load.state === 'loading' || !base) {
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
    <EditForm
      key={load.task.id}
      task={load.task}
      base={base}
      backHref={backHref}
      onDone={() => router.push(backHref)}
      onGone={() => setLoad({ state: 'not-found' })}
    />
  )
}

function EditForm({
  task: initial,
  base,
  backHref,
  onDone,
  onGone,
}: {
  task: Task
  base: string
  backHref: string
  onDone: () => void
  onGone: () => void
}) {
  const [task, setTask] = useState(initial)
  const [values, setValues] = useState<Values>(() => valuesOf(initial))
  const [errors, setErrors] = useState<Partial<Record<TaskField, string>>>({})
  const [formError, setFormError] = useState<string>()
  const [saving, setSaving] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [deleting, setDeleting] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)
  const focusAction = (action: 'delete' | 'keep') => focusIn(formRef.current, `[data-action="${action}"]`)
  const focusInvalid = useRef(false)

  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [key]: value }))
    const field = key === 'due' ? 'due_at' : key
    if (field in errors) setErrors(({ [field as TaskField]: _, ...rest }) => rest)
  }

  useEffect(() => {
    if (!focusInvalid.current) return
    focusInvalid.current = false
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  })

  const showError = useCallback(
    (err: unknown, prefix = '') => {
      if (err instanceof ApiError && err.status === 404) return onGone()
      const error = err instanceof ApiError ? err : new ApiError(0, GENERIC)
      const { fields, other } = taskFieldErrors(error.errors)
      setErrors(fields)
      const hasFields = Object.keys(fields).length > 0
      setFormError(
        prefix + (hasFields ? (other.length ? other.join(' ') : 'Please fix the fields marked below.') : error.message),
      )
      focusInvalid.current = hasFields
    },
    [onGone],
  )

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (saving) return
    const initialDue = toLocalInput(task.due_at)
    // An untouched due date is sent exactly as stored (the input has no seconds).
    const dueAt = values.due === initialDue ? task.due_at : fromLocalInput(values.due)
    if (dueAt === undefined) {
      setErrors({ due_at: 'Enter a valid date and time' })
      setFormError('Please fix the fields marked below.')
      focusInvalid.current = true
      return
    }
    setSaving(true)
    setErrors({})
    setFormError(undefined)
    let current = task
    try {
      current = await api<Task>(base, {
        method: 'PUT',
        body: {
          title: values.title,
          description: values.description,
          priority: values.priority,
          tags: parseTags(values.tags),
          due_at: dueAt,
        },
      })
      setTask(current)
    } catch (err) {
      setSaving(false)
      return showError(err)
    }
    if (values.completed !== current.completed) {
      try {
        current = await api<Task>(`${base}/complete`, { method: 'PATCH', body: { completed: values.completed } })
        setTask(current)
      } catch (err) {
        setSaving(false)
        return showError(
          err,
          `Your changes were saved, but the task couldn't be marked as ${values.completed ? 'done' : 'not done'}. `,
        )
      }
    }
    onDone()
  }

  async function remove() {
    setDeleting(true)
    setFormError(undefined)
    try {
      await api(base, { method: 'DELETE' })
      onDone()
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return onDone()
      setDeleting(false)
      setConfirming(false)
      setFormError(`Couldn't delete the task. ${err instanceof ApiError ? err.message : GENERIC}`)
      focusAction('delete')
    }
  }

  useEffect(() => {
    if (confirming) focusIn(formRef.current, '[data-action="keep"]')
  }, [confirming])

  const busy = saving || deleting

  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">Edit task</h1>
        <BackLink href={backHref} />
      </div>
      <form
        ref={formRef}
        onSubmit={save}
        noValidate
        aria-label="Edit task"
        className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900"
      >
        <FormAlert message={formError} />
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
            <DueField value={values.due} onChange={(v) => set('due', v)} error={errors.due_at} />
            {values.due ? (
              <button
                type="button"
                onClick={() => set('due', '')}
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
          <Button type="submit" pending={saving} disabled={deleting} className="min-h-10">
            {saving ? 'Saving…' : 'Save'}
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

function focusIn(root: HTMLElement | null, selector: string) {
  root?.querySelector<HTMLElement>(selector)?.focus()
}

function BackLink({ href }: { href: string }) {
  return (
    <Link
      href={href}
      className="inline-flex min-h-10 items-center rounded-lg px-2 text-sm font-medium text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
    >
      <span aria-hidden="true">←&nbsp;</span>Back to tasks
    </Link>
  )
}

function NotFound({ backHref }: { backHref: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white px-4 py-10 text-center shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h1 className="text-2xl font-semibold tracking-tight">Task not found</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">It may have been deleted, or the link is incomplete.</p>
      <Link
        href={backHref}
        className="mt-6 inline-flex min-h-10 items-center justify-center rounded-lg bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-500"
      >
        Back to your tasks
      </Link>
    </div>
  )
}

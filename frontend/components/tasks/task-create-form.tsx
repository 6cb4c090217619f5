'use client'

/**
 * Inline "add a task": a title and an Add button (Enter submits), plus optional priority,
 * due date and tags behind "More options". The list adds the task optimistically; this form
 * clears at once and, if the server refuses, puts the draft back with the API's field errors.
 */
import { type FormEvent, useId, useState } from 'react'
import { Button } from '@/components/ui/button'
import { Field } from '@/components/ui/field'
import { useApiForm } from '@/components/ui/use-api-form'
import type { ApiError } from '@/lib/api'
import { fromLocalInput, parseTags, TASK_FIELDS, taskFieldErrors, taskFieldOf } from '@/lib/task-form'
import type { Priority, TaskInput } from '@/lib/types'
import { DueField, PriorityField, TagsField } from './task-fields'

type Draft = { title: string; priority: Priority; due_at: string; tags: string }
const EMPTY: Draft = { title: '', priority: 'medium', due_at: '', tags: '' }

export function TaskCreateForm({ onCreate }: { onCreate: (input: TaskInput) => Promise<ApiError | null> }) {
  const [draft, setDraft] = useState<Draft>(EMPTY)
  const [more, setMore] = useState(false)
  // No `submit`: the form is free again at once (the list shows the task while it saves).
  const { form, errors, showErrors, clearError, focusField } = useApiForm(TASK_FIELDS, { fieldOf: taskFieldOf })
  const moreId = useId()

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }))
    clearError(key)
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const sent = draft
    const dueAt = fromLocalInput(sent.due_at)
    if (dueAt === undefined) return showErrors({ due_at: 'Enter a valid date and time' })
    const input: TaskInput = { title: sent.title, priority: sent.priority, tags: parseTags(sent.tags), due_at: dueAt }
    showErrors({})
    // Optimistic: the field is free for the next task while this one saves.
    if (sent.title.trim() !== '') setDraft(EMPTY)
    const error = await onCreate(input)
    if (!error) return
    const { fields } = taskFieldErrors(error.errors)
    // Nothing typed is lost: the draft comes back unless a new one has been started.
    setDraft((current) => (current.title === '' ? sent : current))
    showErrors(fields)
    if (fields.priority || fields.due_at || fields.tags) setMore(true)
    focusField('title')
  }

  return (
    <form ref={form} onSubmit={submit} noValidate aria-label="Add a task" className="space-y-3">
      <div className="flex items-start gap-2">
        <Field
          label="New task"
          name="title"
          placeholder="What needs doing?"
          autoComplete="off"
          enterKeyHint="done"
          value={draft.title}
          onChange={(event) => set('title', event.target.value)}
          error={errors.title}
          className="min-w-0 flex-1"
        />
        <Button type="submit" className="mt-6 min-h-[42px] shrink-0">
          Add
        </Button>
      </div>
      <div>
        <button
          type="button"
          aria-expanded={more}
          aria-controls={moreId}
          onClick={() => setMore((m) => !m)}
          className="-ml-2 inline-flex min-h-10 items-center gap-1 rounded-lg px-2 text-sm font-medium text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
        >
          <span aria-hidden="true" className={`inline-block transition ${more ? 'rotate-90' : ''}`}>
            ›
          </span>
          More options
        </button>
        <div id={moreId} hidden={!more} className="mt-2 grid grid-cols-1 gap-x-3 sm:grid-cols-3">
          <PriorityField value={draft.priority} onChange={(v) => set('priority', v)} error={errors.priority} />
          <DueField value={draft.due_at} onChange={(v) => set('due_at', v)} error={errors.due_at} />
          <TagsField
            value={draft.tags}
            onChange={(v) => set('tags', v)}
            error={errors.tags}
            hint="Separate with commas"
          />
        </div>
      </div>
    </form>
  )
}

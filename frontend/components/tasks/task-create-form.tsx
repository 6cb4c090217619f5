'use client'

/**
 * Inline "add a task": one line that understands dates, `!priority` and `#tags` (quick add,
 * lib/quick-add.ts; what it recognised shows as removable chips before Enter), an Add button,
 * plus priority, due date and tags behind "More options". The list adds the task
 * optimistically; this form clears at once and, if the server refuses, puts the draft back
 * with the API's field errors.
 */
import { type FormEvent, useId, useMemo, useState } from 'react'
import { Button } from '@/components/ui/button'
import { Field } from '@/components/ui/field'
import { useApiForm } from '@/components/ui/use-api-form'
import type { ApiError } from '@/lib/api'
import { type DueParts, fromDueParts, NO_DUE } from '@/lib/due-date'
import { parseQuickAdd, type QuickPart } from '@/lib/quick-add'
import { parseTags, TASK_FIELDS, taskFieldErrors, taskFieldOf } from '@/lib/task-form'
import type { Priority, TaskInput } from '@/lib/types'
import { QuickAddChips } from './quick-add-chips'
import { DueField, PriorityField, readDue, TagsField } from './task-fields'
import { useNow } from './use-now'

type Draft = {
  title: string
  priority: Priority
  due: DueParts
  tags: string
  /** Quick-add parts the user removed: their words stay in the title. */
  ignored: ReadonlySet<string>
}
const EMPTY: Draft = { title: '', priority: 'medium', due: NO_DUE, tags: '', ignored: new Set() }

/** The browser's language, for reading dates as its user writes them. */
const viewerLocale = () => (typeof navigator === 'undefined' ? 'en-US' : navigator.language || 'en-US')

export function TaskCreateForm({ onCreate }: { onCreate: (input: TaskInput) => Promise<ApiError | null> }) {
  const [draft, setDraft] = useState<Draft>(EMPTY)
  const [more, setMore] = useState(false)
  // No `submit`: the form is free again at once (the list shows the task while it saves).
  const { form, errors, showErrors, clearError, focusField } = useApiForm(TASK_FIELDS, { fieldOf: taskFieldOf })
  const moreId = useId()
  const now = useNow()
  const quick = useMemo(
    () => parseQuickAdd(draft.title, { now, locale: viewerLocale(), ignored: draft.ignored }),
    [draft.title, draft.ignored, now],
  )

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }))
    if (key !== 'ignored') clearError(key === 'due' ? 'due_at' : (key as Exclude<K, 'due' | 'ignored'>))
  }

  function removePart(part: QuickPart) {
    set('ignored', new Set(draft.ignored).add(part.key))
    focusField('title')
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const sent = draft
    // A date in the line wins over the "More options" one; the fields still must be valid.
    const typed = readDue(form.current, sent.due)
    if (!typed.ok) {
      setMore(true)
      return showErrors({ due_at: typed.error })
    }
    const fromLine = quick.due ? fromDueParts(quick.due) : null
    const dueAt = fromLine?.ok ? fromLine.dueAt : typed.dueAt
    const tags = [...parseTags(sent.tags), ...quick.tags]
    const input: TaskInput = { title: quick.title, priority: quick.priority ?? sent.priority, tags, due_at: dueAt }
    showErrors({})
    // Optimistic: the field is free for the next task while this one saves.
    if (quick.title.trim() !== '') setDraft(EMPTY)
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
      <div>
        <div className="flex items-start gap-2">
          <Field
            label="New task"
            name="title"
            placeholder="Pay rent tomorrow !high #bills"
            autoComplete="off"
            enterKeyHint="done"
            value={draft.title}
            onChange={(event) => set('title', event.target.value)}
            error={errors.title}
            hint="Dates like “friday 6pm”, !high or !low, #tags"
            className="min-w-0 flex-1"
          />
          <Button type="submit" className="mt-6 min-h-11 shrink-0">
            Add
          </Button>
        </div>
        <QuickAddChips parts={quick.parts} now={now} onRemove={removePart} />
      </div>
      <div>
        <button
          type="button"
          aria-expanded={more}
          aria-controls={moreId}
          onClick={() => setMore((m) => !m)}
          className="-ml-2 inline-flex min-h-11 items-center gap-1 rounded-lg px-2 text-sm font-medium text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
        >
          <span aria-hidden="true" className={`inline-block transition ${more ? 'rotate-90' : ''}`}>
            ›
          </span>
          More options
        </button>
        <div
          id={moreId}
          hidden={!more}
          className="mt-2 grid grid-cols-1 gap-x-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,2fr)_minmax(0,1.5fr)]"
        >
          <PriorityField value={draft.priority} onChange={(v) => set('priority', v)} error={errors.priority} />
          <DueField value={draft.due} onChange={(v) => set('due', v)} error={errors.due_at} />
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

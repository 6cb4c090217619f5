'use client'

/**
 * The task fields the "add a task" form and the task editor both have: priority, due date
 * and tags. Each takes its value, a change handler for the new value, and the API's error.
 */
import { Field } from '@/components/ui/field'
import { type DueParts, type DueResult, fromDueParts } from '@/lib/due-date'
import type { Priority } from '@/lib/types'
import { SelectField } from './form-controls'
import { PRIORITY_LABELS } from './task-bits'

type Props<T> = { value: T; onChange: (value: T) => void; error?: string | undefined }

export function PriorityField({ value, onChange, error }: Props<Priority>) {
  return (
    <SelectField
      label="Priority"
      name="priority"
      value={value}
      onChange={(event) => onChange(event.target.value as Priority)}
      error={error}
    >
      {(['high', 'medium', 'low'] as const).map((p) => (
        <option key={p} value={p}>
          {PRIORITY_LABELS[p]}
        </option>
      ))}
    </SelectField>
  )
}

/**
 * The due date: a date, and a time only for tasks due at a moment (none: all day, decision 022).
 * The date input is named `due_at`, so the API's and the form's `due_at` errors land on it.
 */
export function DueField({ value, onChange, error }: Props<DueParts>) {
  return (
    <fieldset className="min-w-0">
      <legend className="sr-only">Due</legend>
      <div className="grid grid-cols-[minmax(0,3fr)_minmax(0,2fr)] gap-2">
        <Field
          label="Due date"
          name="due_at"
          type="date"
          value={value.date}
          onChange={(event) => onChange({ ...value, date: event.target.value })}
          error={error}
          className="min-w-0"
        />
        <Field
          label="Time (optional)"
          name="due_time"
          type="time"
          value={value.time}
          onChange={(event) => onChange({ ...value, time: event.target.value })}
          className="min-w-0"
        />
      </div>
    </fieldset>
  )
}

/**
 * The due date as typed, or what is wrong with it. A half-typed date or time reads as "" from
 * the input (the browser only flags it as bad input), so it is checked here, never taken for "none".
 */
export function readDue(form: HTMLFormElement | null, value: DueParts): DueResult {
  const badInput = (name: string) => {
    const input = form?.elements.namedItem(name)
    return input instanceof HTMLInputElement && input.validity.badInput
  }
  if (badInput('due_at')) return { ok: false, error: 'Enter the whole date: day, month and year' }
  if (badInput('due_time')) return { ok: false, error: 'Enter the whole time, or clear it for all day' }
  return fromDueParts(value)
}

/** Tags as comma-separated text; `hint` says how to write them. */
export function TagsField({ value, onChange, error, hint }: Props<string> & { hint: string }) {
  return (
    <Field
      label="Tags"
      name="tags"
      placeholder="work, home"
      autoComplete="off"
      hint={hint}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      error={error}
    />
  )
}

'use client'

/**
 * The task fields the "add a task" form and the task editor both have: priority, due date
 * and tags. Each takes its value, a change handler for the new value, and the API's error.
 */
import { Field } from '@/components/ui/field'
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

export function DueField({ value, onChange, error }: Props<string>) {
  return (
    <Field
      label="Due"
      name="due_at"
      type="datetime-local"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      error={error}
    />
  )
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

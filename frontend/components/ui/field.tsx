'use client'

/**
 * A labelled input with its hint and inline error, wired for assistive technology:
 * the error is announced (`aria-live`) and linked with `aria-describedby`/`aria-invalid`.
 */
import { type InputHTMLAttributes, type ReactNode, useId } from 'react'

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & {
  label: string
  error?: string | undefined
  hint?: ReactNode
}

/**
 * The ids that tie a control to its label, hint and error, and the attributes the control
 * itself needs (`id`, `aria-invalid`, `aria-describedby`). Shared with tasks/form-controls.
 */
export function useFieldIds(error: string | undefined, hint: ReactNode) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined
  return { id, hintId, errorId, describedBy }
}

export function Field({ label, error, hint, className, ...input }: FieldProps) {
  const { id, hintId, errorId, describedBy } = useFieldIds(error, hint)
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700 dark:text-slate-200">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={`mt-1 block w-full rounded-lg border bg-white px-3 py-2 text-base shadow-sm outline-none transition placeholder:text-slate-400 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 dark:bg-slate-900 ${
          error ? 'border-red-500 dark:border-red-400' : 'border-slate-300 dark:border-slate-700'
        }`}
        {...input}
      />
      {hint ? (
        <div id={hintId} className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          {hint}
        </div>
      ) : null}
      <p id={errorId} aria-live="polite" className="mt-1 min-h-0 text-sm text-red-600 dark:text-red-400">
        {error ?? ''}
      </p>
    </div>
  )
}

'use client'

/**
 * A labelled <select> and <textarea> that look and behave like ui/field's <Field>
 * (hint, inline error announced and linked with aria-describedby/aria-invalid).
 */
import { type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes, useId } from 'react'

export const controlClass =
  'block w-full rounded-lg border bg-white px-3 py-2 text-base shadow-sm outline-none transition focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 dark:bg-slate-900'

const borderClass = (error: string | undefined) =>
  error ? 'border-red-500 dark:border-red-400' : 'border-slate-300 dark:border-slate-700'

export const labelClass = 'block text-sm font-medium text-slate-700 dark:text-slate-200'

type Extras = { label: string; error?: string | undefined; hint?: ReactNode }

function useDescribedBy(error: string | undefined, hint: ReactNode) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined
  return { id, hintId, errorId, describedBy }
}

function Below({ hint, hintId, error, errorId }: { hint: ReactNode; hintId: string; error?: string; errorId: string }) {
  return (
    <>
      {hint ? (
        <div id={hintId} className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          {hint}
        </div>
      ) : null}
      <p id={errorId} aria-live="polite" className="mt-1 text-sm text-red-600 dark:text-red-400">
        {error ?? ''}
      </p>
    </>
  )
}

export function SelectField({
  label,
  error,
  hint,
  className,
  children,
  ...select
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & Extras) {
  const { id, hintId, errorId, describedBy } = useDescribedBy(error, hint)
  return (
    <div className={className}>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={`mt-1 min-h-10 ${controlClass} ${borderClass(error)}`}
        {...select}
      >
        {children}
      </select>
      <Below hint={hint} hintId={hintId} error={error} errorId={errorId} />
    </div>
  )
}

export function TextAreaField({
  label,
  error,
  hint,
  className,
  ...textarea
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> & Extras) {
  const { id, hintId, errorId, describedBy } = useDescribedBy(error, hint)
  return (
    <div className={className}>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <textarea
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={`mt-1 ${controlClass} ${borderClass(error)}`}
        {...textarea}
      />
      <Below hint={hint} hintId={hintId} error={error} errorId={errorId} />
    </div>
  )
}

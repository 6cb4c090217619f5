'use client'

/**
 * A labelled <select> and <textarea> that look and behave like ui/field's <Field>
 * (hint, inline error announced and linked with aria-describedby/aria-invalid).
 */
import type { ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react'
import { useFieldIds } from '@/components/ui/field'

export const controlClass =
  'block w-full rounded-lg border bg-white px-3 py-2 text-base shadow-sm outline-none transition focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 dark:bg-slate-900'

const borderClass = (error: string | undefined) =>
  error ? 'border-red-500 dark:border-red-400' : 'border-slate-300 dark:border-slate-700'

export const labelClass = 'block text-sm font-medium text-slate-700 dark:text-slate-200'

type Extras = { label: string; error?: string | undefined; hint?: ReactNode }

/** The ids and the attributes a control needs to be labelled, described and marked invalid. */
function useControl(error: string | undefined, hint: ReactNode) {
  const ids = useFieldIds(error, hint)
  const control = {
    id: ids.id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': ids.describedBy,
  }
  return { ...ids, control }
}

/** The label above a control, and its hint and (announced) error below it. */
function Labelled({
  label,
  error,
  hint,
  className,
  ids,
  children,
}: Extras & {
  className?: string | undefined
  ids: { id: string; hintId: string; errorId: string }
  children: ReactNode
}) {
  return (
    <div className={className}>
      <label htmlFor={ids.id} className={labelClass}>
        {label}
      </label>
      {children}
      {hint ? (
        <div id={ids.hintId} className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          {hint}
        </div>
      ) : null}
      <p id={ids.errorId} aria-live="polite" className="mt-1 text-sm text-red-600 dark:text-red-400">
        {error ?? ''}
      </p>
    </div>
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
  const { control, ...ids } = useControl(error, hint)
  return (
    <Labelled label={label} error={error} hint={hint} className={className} ids={ids}>
      <select {...control} className={`mt-1 min-h-10 ${controlClass} ${borderClass(error)}`} {...select}>
        {children}
      </select>
    </Labelled>
  )
}

export function TextAreaField({
  label,
  error,
  hint,
  className,
  ...textarea
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> & Extras) {
  const { control, ...ids } = useControl(error, hint)
  return (
    <Labelled label={label} error={error} hint={hint} className={className} ids={ids}>
      <textarea {...control} className={`mt-1 ${controlClass} ${borderClass(error)}`} {...textarea} />
    </Labelled>
  )
}

import type { ReactNode } from 'react'

/** The frame of the sign-in and sign-up pages: a heading, a centred card, and a footer line. */
export function AuthCard({
  title,
  description,
  footer,
  children,
}: {
  title: string
  description?: ReactNode
  footer?: ReactNode
  children: ReactNode
}) {
  return (
    <div className="mx-auto w-full max-w-sm pt-2 sm:pt-10">
      <div className="mb-6 text-center">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">{description}</p> : null}
      </div>
      <div className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-7 dark:border-slate-800 dark:bg-slate-900">
        {children}
      </div>
      {footer ? <p className="mt-6 text-center text-sm text-slate-600 dark:text-slate-400">{footer}</p> : null}
    </div>
  )
}

/** Placeholder with the form's rough height while the search params load (no layout jump). */
export function AuthFormSkeleton({ fields }: { fields: number }) {
  return (
    <div aria-hidden="true" className="animate-pulse space-y-5">
      {Array.from({ length: fields }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <div key={i}>
          <div className="h-4 w-20 rounded bg-slate-200 dark:bg-slate-800" />
          <div className="mt-2 h-10 rounded-lg bg-slate-100 dark:bg-slate-800/60" />
        </div>
      ))}
      <div className="h-10 rounded-lg bg-indigo-200 dark:bg-indigo-900/60" />
    </div>
  )
}

export const linkClass = 'font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300'

import type { ReactNode } from 'react'

/** One card of the account page: a heading (which names the region), an optional line under it, the content. */
export function AccountSection({
  id,
  title,
  description,
  danger = false,
  children,
}: {
  id: string
  title: string
  description?: ReactNode
  danger?: boolean
  children: ReactNode
}) {
  return (
    <section
      aria-labelledby={`${id}-heading`}
      className={`mt-6 rounded-2xl border bg-white p-5 shadow-sm sm:p-7 dark:bg-slate-900 ${
        danger ? 'border-red-300 dark:border-red-900' : 'border-slate-200 dark:border-slate-800'
      }`}
    >
      <h2 id={`${id}-heading`} className={`text-base font-semibold ${danger ? 'text-red-700 dark:text-red-400' : ''}`}>
        {title}
      </h2>
      {description ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{description}</p> : null}
      <div className="mt-4">{children}</div>
    </section>
  )
}

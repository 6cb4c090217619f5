'use client'

/** All / Today / Upcoming: the list's views by date, one click away (the current one marked with aria-current). */
import Link from 'next/link'
import { type TaskFilters, tasksHref, VIEWS, type View } from '@/lib/task-query'

export const VIEW_LABELS: Record<View, string> = { all: 'All tasks', today: 'Today', upcoming: 'Upcoming' }

export function ViewTabs({ filters }: { filters: TaskFilters }) {
  return (
    <nav aria-label="Views">
      <ul className="flex gap-1 overflow-x-auto rounded-xl bg-slate-200/70 p-1 dark:bg-slate-800">
        {VIEWS.map((view) => {
          const current = filters.view === view
          return (
            <li key={view} className="flex-1">
              <Link
                href={tasksHref({ ...filters, view })}
                scroll={false}
                aria-current={current ? 'page' : undefined}
                className={`flex min-h-11 items-center justify-center rounded-lg px-3 text-sm font-medium whitespace-nowrap transition ${
                  current
                    ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-950 dark:text-white'
                    : 'text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'
                }`}
              >
                {VIEW_LABELS[view]}
              </Link>
            </li>
          )
        })}
      </ul>
    </nav>
  )
}

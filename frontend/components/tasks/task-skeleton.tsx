/** Placeholder rows while tasks load; announced once as "Loading tasks…". */
export function TaskListSkeleton({ rows = 4 }: { rows?: number }) {
  return (
    <div role="status">
      <span className="sr-only">Loading tasks…</span>
      <ul aria-hidden="true" className="space-y-2">
        {Array.from({ length: rows }, (_, i) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
            key={i}
            className="flex items-start gap-3 rounded-xl border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
          >
            <span className="mt-1 size-5 shrink-0 animate-pulse rounded bg-slate-200 dark:bg-slate-700" />
            <span className="flex-1 space-y-2">
              <span
                className="block h-4 animate-pulse rounded bg-slate-200 dark:bg-slate-700"
                style={{ width: `${70 - ((i * 17) % 35)}%` }}
              />
              <span className="block h-3 w-1/3 animate-pulse rounded bg-slate-100 dark:bg-slate-800" />
            </span>
          </li>
        ))}
      </ul>
    </div>
  )
}

/** The whole page while the URL's filters are not known yet (the Suspense fallback). */
export function TasksPageSkeleton() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">Tasks</h1>
      <TaskListSkeleton />
    </div>
  )
}

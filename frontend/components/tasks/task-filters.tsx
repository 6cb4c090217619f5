'use client'

/**
 * Search (debounced), status (segmented control), priority, sort and order, and the active
 * tag filters. Stateless about filters: it reports the next TaskFilters and the page puts
 * them in the URL.
 */
import { useEffect, useId, useRef, useState } from 'react'
import { TASK_SEARCH_MAX_LENGTH } from '@/lib/api/limits'
import {
  defaultOrder,
  hasActiveFilters,
  orderLabel,
  PRIORITIES,
  SORT_LABELS,
  SORTS,
  type Sort,
  STATUSES,
  type Status,
  type TaskFilters,
  withoutFilters,
} from '@/lib/task-query'
import type { Priority } from '@/lib/types'
import { controlClass, labelClass } from './form-controls'
import { CloseIcon, SearchIcon, SortIcon } from './icons'
import { PRIORITY_LABELS } from './task-bits'

export const SEARCH_DEBOUNCE_MS = 300

const STATUS_LABELS: Record<Status, string> = { all: 'All', pending: 'To do', completed: 'Done' }

const compactControl = `${controlClass} mt-1 min-h-11 border-slate-300 py-1.5 text-sm dark:border-slate-700`

export function TaskFilterBar({ filters, onChange }: { filters: TaskFilters; onChange: (next: TaskFilters) => void }) {
  const ids = useId()
  const latest = useRef({ filters, onChange })
  latest.current = { filters, onChange }

  // The search box is ahead of the URL while typing; the URL catches up after a pause.
  const [text, setText] = useState(filters.q)
  const sentQ = useRef(filters.q)
  useEffect(() => {
    // The URL changed from elsewhere (back button, "Clear filters"): show it.
    if (filters.q !== sentQ.current) {
      sentQ.current = filters.q
      setText(filters.q)
    }
  }, [filters.q])
  useEffect(() => {
    const q = text.trim()
    if (q === sentQ.current) return
    const timer = setTimeout(() => {
      sentQ.current = q
      latest.current.onChange({ ...latest.current.filters, q })
    }, SEARCH_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [text])

  const update = (patch: Partial<TaskFilters>) => onChange({ ...filters, ...patch })

  return (
    <section aria-label="Filter and sort" className="space-y-3">
      <div className="relative">
        <label htmlFor={`${ids}-q`} className="sr-only">
          Search tasks
        </label>
        <SearchIcon className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-slate-400" />
        <input
          id={`${ids}-q`}
          type="search"
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder="Search tasks"
          autoComplete="off"
          enterKeyHint="search"
          maxLength={TASK_SEARCH_MAX_LENGTH}
          className={`${controlClass} min-h-11 border-slate-300 pl-10 dark:border-slate-700`}
        />
      </div>

      <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
        {/* Today and Upcoming are open tasks only. */}
        <fieldset className="min-w-0 sm:flex-none" hidden={filters.view !== 'all'}>
          <legend className={`${labelClass} mb-1`}>Show</legend>
          <div className="grid grid-cols-3 rounded-lg bg-slate-200/70 p-0.5 dark:bg-slate-800">
            {STATUSES.map((status) => (
              <label
                key={status}
                className="flex min-h-11 cursor-pointer items-center justify-center rounded-md px-3 text-sm font-medium text-slate-600 transition select-none hover:text-slate-900 has-checked:bg-white has-checked:text-slate-900 has-checked:shadow-sm has-focus-visible:outline-2 has-focus-visible:outline-indigo-500 dark:text-slate-300 dark:hover:text-white dark:has-checked:bg-slate-950 dark:has-checked:text-white"
              >
                <input
                  type="radio"
                  name={`${ids}-status`}
                  value={status}
                  checked={filters.status === status}
                  onChange={() => update({ status })}
                  className="sr-only"
                />
                {STATUS_LABELS[status]}
              </label>
            ))}
          </div>
        </fieldset>

        <div className="grid min-w-0 flex-1 grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] items-end gap-2">
          <div className="min-w-0">
            <label htmlFor={`${ids}-priority`} className={labelClass}>
              Priority
            </label>
            <select
              id={`${ids}-priority`}
              value={filters.priority ?? ''}
              onChange={(event) => update({ priority: (event.target.value || null) as Priority | null })}
              className={compactControl}
            >
              <option value="">Any</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {PRIORITY_LABELS[p]}
                </option>
              ))}
            </select>
          </div>
          <div className="min-w-0">
            <label htmlFor={`${ids}-sort`} className={labelClass}>
              Sort by
            </label>
            <select
              id={`${ids}-sort`}
              value={filters.sort}
              onChange={(event) => {
                const sort = event.target.value as Sort
                update({ sort, order: defaultOrder(sort) })
              }}
              className={compactControl}
            >
              {SORTS.map((sort) => (
                <option key={sort} value={sort}>
                  {SORT_LABELS[sort]}
                </option>
              ))}
            </select>
          </div>
          <button
            type="button"
            hidden={filters.sort === 'smart'}
            onClick={() => update({ order: filters.order === 'asc' ? 'desc' : 'asc' })}
            title="Reverse the order"
            className="inline-flex min-h-11 min-w-11 items-center justify-center gap-1 rounded-lg border border-slate-300 bg-white px-2 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800"
          >
            <SortIcon order={filters.order} />
            <span className="sr-only sm:not-sr-only sm:whitespace-nowrap">
              {orderLabel(filters.sort, filters.order)}
            </span>
          </button>
        </div>
      </div>

      {filters.tags.length > 0 || hasActiveFilters(filters) ? (
        <div className="flex flex-wrap items-center gap-2">
          {filters.tags.map((tag) => (
            <button
              key={tag}
              type="button"
              onClick={() => update({ tags: filters.tags.filter((t) => t !== tag) })}
              aria-label={`Remove tag filter ${tag}`}
              className="inline-flex min-h-11 items-center gap-1 rounded-full bg-indigo-600 py-1 pr-2 pl-3 text-sm font-medium text-white hover:bg-indigo-500 dark:bg-indigo-500"
            >
              #{tag}
              <CloseIcon width={16} height={16} />
            </button>
          ))}
          {hasActiveFilters(filters) ? (
            <button
              type="button"
              onClick={() => onChange(withoutFilters(filters))}
              className="min-h-11 rounded-lg px-2 text-sm font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
            >
              Clear filters
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  )
}

/** The small pieces a task shows: priority badge, due date, tag chip. */
import { type DueInfo, formatDueExact, formatDueShort } from '@/lib/due'
import type { Priority } from '@/lib/types'
import { CalendarIcon } from './icons'

const PRIORITY_STYLE: Record<Priority, string> = {
  high: 'bg-red-100 text-red-800 ring-red-200 dark:bg-red-950 dark:text-red-200 dark:ring-red-900',
  medium: 'bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950/60 dark:text-amber-200 dark:ring-amber-900',
  low: 'bg-slate-100 text-slate-600 ring-slate-200 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-700',
}

export const PRIORITY_LABELS: Record<Priority, string> = { high: 'High', medium: 'Medium', low: 'Low' }

export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${PRIORITY_STYLE[priority]}`}
    >
      <span className="sr-only">Priority: </span>
      {PRIORITY_LABELS[priority]}
    </span>
  )
}

const DUE_STYLE: Record<DueInfo['tone'], string> = {
  overdue: 'font-semibold text-red-700 dark:text-red-400',
  today: 'font-medium text-amber-700 dark:text-amber-300',
  upcoming: 'text-slate-600 dark:text-slate-400',
  done: 'text-slate-500 dark:text-slate-500',
}

/** "due tomorrow · Tue 8 Dec": the relative date and the exact one, both visible (no hover needed). */
export function DueLabel({ dueAt, info, now }: { dueAt: string; info: DueInfo; now: Date }) {
  return (
    <span className={`inline-flex flex-wrap items-center gap-x-1 text-xs ${DUE_STYLE[info.tone]}`}>
      <CalendarIcon width={14} height={14} />
      <time dateTime={dueAt} title={formatDueExact(dueAt)} className="whitespace-nowrap">
        {info.text}
      </time>
      <span aria-hidden="true">·</span>
      <span className="sr-only">,</span>
      <span className="whitespace-nowrap">{formatDueShort(dueAt, now)}</span>
      {info.overdue ? <span className="sr-only"> (overdue)</span> : null}
    </span>
  )
}

export function TagChip({ tag, active, onSelect }: { tag: string; active: boolean; onSelect: (tag: string) => void }) {
  return (
    <button
      type="button"
      onClick={() => onSelect(tag)}
      aria-pressed={active}
      aria-label={`Filter by tag ${tag}`}
      className={`relative inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium transition after:absolute after:-inset-x-1 after:-inset-y-3 after:content-[''] ${
        active
          ? 'bg-indigo-600 text-white dark:bg-indigo-500'
          : 'bg-indigo-50 text-indigo-700 hover:bg-indigo-100 dark:bg-indigo-950 dark:text-indigo-300 dark:hover:bg-indigo-900'
      }`}
    >
      #{tag}
    </button>
  )
}

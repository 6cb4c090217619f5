'use client'

import { formatDueShort } from '@/lib/due'
/**
 * What quick add recognised in the "New task" line, as chips before Enter: the due date, the
 * priority, the tags. Removing a chip keeps its words in the title (lib/quick-add.ts `ignored`).
 */
import { fromDueParts } from '@/lib/due-date'
import type { QuickPart } from '@/lib/quick-add'
import { CalendarIcon, CloseIcon } from './icons'
import { PRIORITY_LABELS } from './task-bits'

/** What a chip says, e.g. "Due Tue 8 Dec", "Priority High", "#bills". */
export function chipLabel(part: QuickPart, now: Date): string {
  if (part.kind === 'priority') return `Priority ${PRIORITY_LABELS[part.priority]}`
  if (part.kind === 'tag') return `#${part.tag}`
  const due = fromDueParts(part.due)
  return `Due ${due.ok && due.dueAt ? formatDueShort(due.dueAt, now) : part.text}`
}

export function QuickAddChips({
  parts,
  now,
  onRemove,
}: {
  parts: readonly QuickPart[]
  now: Date
  onRemove: (part: QuickPart) => void
}) {
  const summary = parts.map((part) => chipLabel(part, now)).join(', ')
  return (
    <div>
      {/* Said once the line is read, not at every keystroke's chip re-render. */}
      <p role="status" className="sr-only">
        {parts.length > 0 ? `Recognised: ${summary}` : ''}
      </p>
      {parts.length > 0 ? (
        <ul aria-label="Recognised parts" className="mt-2 flex flex-wrap gap-2">
          {parts.map((part) => (
            <li key={part.key}>
              <button
                type="button"
                onClick={() => onRemove(part)}
                aria-label={`${chipLabel(part, now)}: remove, keep the words “${part.text}”`}
                title={`Keep “${part.text}” in the title`}
                className="inline-flex min-h-11 items-center gap-1.5 rounded-full bg-indigo-50 py-1 pr-2 pl-3 text-sm font-medium text-indigo-800 ring-1 ring-indigo-200 ring-inset transition hover:bg-indigo-100 dark:bg-indigo-950 dark:text-indigo-200 dark:ring-indigo-900 dark:hover:bg-indigo-900"
              >
                {part.kind === 'due' ? <CalendarIcon width={16} height={16} /> : null}
                {chipLabel(part, now)}
                <CloseIcon width={16} height={16} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

'use client'

import Link from 'next/link'
import { describeDue } from '@/lib/due'
import type { Task } from '@/lib/types'
import { PencilIcon, TrashIcon } from './icons'
import { DueLabel, PriorityBadge, TagChip } from './task-bits'

export type TaskItemProps = {
  task: Task
  now: Date
  /** Not yet saved (optimistic create): shown, but nothing can be done with it yet. */
  saving?: boolean
  editHref: string
  activeTags: readonly string[]
  onToggle: (task: Task, completed: boolean) => void
  onDelete: (task: Task) => void
  onTag: (tag: string) => void
}

const iconButton =
  'inline-flex size-11 shrink-0 items-center justify-center rounded-lg text-slate-500 transition hover:bg-slate-100 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-slate-100'

export function TaskItem({
  task,
  now,
  saving = false,
  editHref,
  activeTags,
  onToggle,
  onDelete,
  onTag,
}: TaskItemProps) {
  const due = describeDue(task.due_at, now, { completed: task.completed })
  const checkboxId = `task-${task.id}-done`
  return (
    <li
      data-task={task.id}
      aria-busy={saving || undefined}
      className={`flex items-start gap-1 rounded-xl border bg-white py-1.5 pr-1 pl-1 shadow-sm transition sm:gap-2 sm:pr-2 dark:bg-slate-900 ${
        due?.overdue ? 'border-red-300 dark:border-red-900/80' : 'border-slate-200 dark:border-slate-800'
      } ${saving ? 'opacity-60' : ''}`}
    >
      <label htmlFor={checkboxId} className="flex size-11 shrink-0 cursor-pointer items-center justify-center">
        <input
          id={checkboxId}
          type="checkbox"
          checked={task.completed}
          disabled={saving}
          onChange={(event) => onToggle(task, event.target.checked)}
          aria-label={`Mark ${task.title} as done`}
          className="size-5 cursor-pointer rounded accent-indigo-600 disabled:cursor-not-allowed"
        />
      </label>
      <div className="min-w-0 flex-1 py-2">
        <p
          className={`break-words text-base leading-snug ${
            task.completed ? 'text-slate-500 line-through decoration-slate-400 dark:text-slate-400' : ''
          }`}
        >
          {task.title}
        </p>
        {task.description ? (
          <p className="mt-0.5 line-clamp-2 break-words text-sm text-slate-500 dark:text-slate-400">
            {task.description}
          </p>
        ) : null}
        <div className="mt-1.5 flex flex-wrap items-center gap-x-2 gap-y-1.5">
          <PriorityBadge priority={task.priority} />
          {due && task.due_at ? <DueLabel dueAt={task.due_at} info={due} now={now} /> : null}
          {task.tags.length > 0 ? (
            <ul className="flex flex-wrap gap-1.5" aria-label="Tags">
              {task.tags.map((tag) => (
                <li key={tag}>
                  <TagChip tag={tag} active={activeTags.includes(tag)} onSelect={onTag} />
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
      {saving ? (
        <span className="self-center px-2 text-xs text-slate-500 dark:text-slate-400">Saving…</span>
      ) : (
        <div className="flex shrink-0 items-center">
          <Link
            href={editHref}
            data-action="edit"
            aria-label={`Edit ${task.title}`}
            title="Edit"
            className={iconButton}
          >
            <PencilIcon />
          </Link>
          <button
            type="button"
            data-action="delete"
            onClick={() => onDelete(task)}
            aria-label={`Delete ${task.title}`}
            title="Delete"
            className={`${iconButton} hover:text-red-700 dark:hover:text-red-400`}
          >
            <TrashIcon />
          </button>
        </div>
      )}
    </li>
  )
}

/**
 * The smart list's sections: Overdue, Today, Upcoming (by due date), No date, Completed.
 * Pure: the caller passes `now`; days are calendar days in the viewer's time zone.
 */
import { startOfTomorrow } from './task-query'
import type { Task } from './types'

export type GroupKey = 'overdue' | 'today' | 'upcoming' | 'none' | 'completed'

export type TaskGroup = { key: GroupKey; label: string; tasks: Task[] }

export const GROUP_LABELS: Record<GroupKey, string> = {
  overdue: 'Overdue',
  today: 'Today',
  upcoming: 'Upcoming',
  none: 'No date',
  completed: 'Completed',
}

const ORDER: GroupKey[] = ['overdue', 'today', 'upcoming', 'none', 'completed']

export function groupOf(task: Task, now: Date): GroupKey {
  if (task.completed) return 'completed'
  if (!task.due_at) return 'none'
  const due = new Date(task.due_at).getTime()
  if (due < now.getTime()) return 'overdue'
  return due < startOfTomorrow(now).getTime() ? 'today' : 'upcoming'
}

const dueTime = (task: Task) => (task.due_at ? new Date(task.due_at).getTime() : Number.POSITIVE_INFINITY)

/**
 * The tasks in their sections, empty sections left out. Dated sections are by due date (soonest
 * first); "No date" and "Completed" keep the order they came in (a task just added first).
 * `placed` keeps each task where it was first shown: a task ticked off stays under the eyes
 * (and the focus) of whoever ticked it, instead of jumping to "Completed" mid-list.
 */
export function groupTasks(tasks: readonly Task[], now: Date, placed?: Map<string, GroupKey>): TaskGroup[] {
  const groups = new Map<GroupKey, Task[]>(ORDER.map((key) => [key, []]))
  for (const task of tasks) {
    const key = placed?.get(task.id) ?? groupOf(task, now)
    placed?.set(task.id, key)
    groups.get(key)?.push(task)
  }
  return ORDER.flatMap((key) => {
    const list = groups.get(key) ?? []
    if (list.length === 0) return []
    const sorted = key === 'none' || key === 'completed' ? list : [...list].sort((a, b) => dueTime(a) - dueTime(b))
    return [{ key, label: GROUP_LABELS[key], tasks: sorted }]
  })
}

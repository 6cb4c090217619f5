/**
 * A live-sync event applied to the task list on screen (API.md "The web app"): in place when the
 * list can say where the task belongs, otherwise "refetch" (a paged list that cannot place a task
 * asks the API again rather than show it in the wrong place). Pure, for the list and its tests.
 */
import { PRIORITIES, type Sort, startOfTomorrow, type TaskFilters } from '../task-query'
import type { Task } from '../types'
import type { TaskSyncEvent } from './events'

export type ListContext = {
  filters: TaskFilters
  now: Date
  /** Every page is loaded: a task that sorts after the last one shown belongs at the end. */
  complete: boolean
}

export type ListChange = { refetch: true } | { refetch: false; items: Task[] }

const time = (stamp: string | null) => (stamp === null ? null : Date.parse(stamp))

/** Whether the list's query would return `task` (lib/task-query.ts listQueries, and the API's filters). */
export function matchesFilters(task: Task, filters: TaskFilters, now: Date): boolean {
  let status = filters.status
  if (filters.view !== 'all') {
    status = 'pending'
    const due = time(task.due_at)
    if (due === null) return false
    const bound = startOfTomorrow(now).getTime()
    // due_before is exclusive, due_after inclusive (the API's list query).
    if (filters.view === 'today' ? due >= bound : due < bound) return false
  }
  if (status === 'pending' && task.completed) return false
  if (status === 'completed' && !task.completed) return false
  if (filters.priority && task.priority !== filters.priority) return false
  if (!filters.tags.every((tag) => task.tags.includes(tag))) return false
  const q = filters.q.trim().toLowerCase()
  // The API's `q` is a case-insensitive substring of the title or the description.
  if (q && !task.title.toLowerCase().includes(q) && !task.description.toLowerCase().includes(q)) return false
  return true
}

type PlaceableSort = Exclude<Sort, 'smart' | 'title'>

/** The API's order for `sort`; undated tasks last in both orders. Titles are not compared: the database's collation decides those. */
function compare(a: Task, b: Task, sort: PlaceableSort, desc: boolean): number {
  if (sort === 'due_at') {
    const [x, y] = [time(a.due_at), time(b.due_at)]
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1
    return desc ? y - x : x - y
  }
  const key = (t: Task) =>
    sort === 'priority' ? PRIORITIES.length - PRIORITIES.indexOf(t.priority) : Date.parse(t[sort])
  return desc ? key(b) - key(a) : key(a) - key(b)
}

const sortKeyOf = (task: Task, sort: Sort): unknown =>
  sort === 'smart' ? null : sort === 'due_at' ? time(task.due_at) : task[sort]

/** Where `task` goes in `items`, or null when the list cannot know (it may belong on a page not loaded). */
function placeOf(items: readonly Task[], task: Task, { filters, complete }: ListContext): number | null {
  const { sort } = filters
  // The smart list is sorted into its sections on screen (lib/task-groups.ts): new tasks go first, as a local add does.
  if (sort === 'smart') return complete ? 0 : null
  if (sort === 'title') return null
  const at = items.findIndex((shown) => compare(task, shown, sort, filters.order === 'desc') < 0)
  if (at >= 0) return at
  return complete ? items.length : null
}

export function applyToList(items: readonly Task[], event: TaskSyncEvent, context: ListContext): ListChange {
  if (event.type === 'refetch') return { refetch: true }
  if (event.type === 'task.deleted') {
    return {
      refetch: false,
      items: items.some((t) => t.id === event.id) ? items.filter((t) => t.id !== event.id) : [...items],
    }
  }
  const { task } = event
  const at = items.findIndex((t) => t.id === task.id)
  const shown = items[at]
  // An event older than what is shown (an answer that overtook it) changes nothing.
  if (shown && Date.parse(task.updated_at) < Date.parse(shown.updated_at)) return { refetch: false, items: [...items] }
  const fits = matchesFilters(task, context.filters, context.now)
  const rest = shown ? items.filter((t) => t.id !== task.id) : [...items]
  if (!fits) return { refetch: false, items: rest }
  if (
    shown &&
    (context.filters.sort === 'smart' ||
      sortKeyOf(shown, context.filters.sort) === sortKeyOf(task, context.filters.sort))
  ) {
    return { refetch: false, items: items.map((t) => (t.id === task.id ? task : t)) }
  }
  const place = placeOf(rest, task, context)
  if (place === null) return { refetch: true }
  return { refetch: false, items: [...rest.slice(0, place), task, ...rest.slice(place)] }
}

/** Live changes on a list: in place where the list can place them, a refetch where it cannot. */
import { describe, expect, it } from 'vitest'
import { DEFAULT_FILTERS, type TaskFilters } from '../task-query'
import type { Task } from '../types'
import { applyToList, type ListContext } from './apply-to-list'

const now = new Date(2026, 11, 7, 12, 0)
const at = (hours: number) => new Date(2026, 11, 7, hours).toISOString()

const task = (id: string, patch: Partial<Task> = {}): Task => ({
  id,
  user_id: 'u1',
  title: `Task ${id}`,
  description: '',
  completed: false,
  priority: 'medium',
  tags: [],
  due_at: null,
  completed_at: null,
  created_at: at(8),
  updated_at: at(8),
  ...patch,
})

const context = (filters: Partial<TaskFilters> = {}, complete = true): ListContext => ({
  filters: { ...DEFAULT_FILTERS, ...filters },
  now,
  complete,
})

const ids = (change: ReturnType<typeof applyToList>) => (change.refetch ? 'refetch' : change.items.map((t) => t.id))

describe('applyToList', () => {
  it('replaces an updated task where it is', () => {
    const list = [task('a'), task('b'), task('c')]
    const edited = task('b', { title: 'Renamed', updated_at: at(9) })
    const change = applyToList(list, { type: 'task.updated', task: edited }, context())
    expect(change).toEqual({ refetch: false, items: [list[0], edited, list[2]] })
  })

  it('keeps what is shown when the update is older than it (an answer overtook the event)', () => {
    const shown = task('a', { title: 'Newer', updated_at: at(10) })
    const change = applyToList([shown], { type: 'task.updated', task: task('a', { updated_at: at(9) }) }, context())
    expect(change).toEqual({ refetch: false, items: [shown] })
  })

  it('applies an update stamped the same instant as what is shown (not older)', () => {
    const edited = task('a', { completed: true, updated_at: at(8) })
    expect(applyToList([task('a')], { type: 'task.updated', task: edited }, context())).toEqual({
      refetch: false,
      items: [edited],
    })
  })

  it('removes a deleted task, and ignores one it does not show', () => {
    const list = [task('a'), task('b')]
    expect(ids(applyToList(list, { type: 'task.deleted', id: 'a' }, context()))).toEqual(['b'])
    expect(ids(applyToList(list, { type: 'task.deleted', id: 'z' }, context()))).toEqual(['a', 'b'])
  })

  it('drops a task the filters no longer match (completed elsewhere while showing "To do")', () => {
    const done = task('a', { completed: true, completed_at: at(9), updated_at: at(9) })
    const change = applyToList(
      [task('a'), task('b')],
      { type: 'task.updated', task: done },
      context({ status: 'pending' }),
    )
    expect(ids(change)).toEqual(['b'])
  })

  it('ignores a new task the filters do not match: tag, priority, search, view', () => {
    const cases: [Partial<TaskFilters>, Task][] = [
      [{ tags: ['work'] }, task('n', { tags: ['home'] })],
      [{ priority: 'high' }, task('n', { priority: 'low' })],
      [{ q: 'milk' }, task('n', { title: 'Bread', description: 'and butter' })],
      [{ view: 'today' }, task('n', { due_at: new Date(2026, 11, 9).toISOString() })],
      [{ view: 'upcoming' }, task('n', { due_at: null })],
    ]
    for (const [filters, created] of cases) {
      expect(ids(applyToList([task('a')], { type: 'task.created', task: created }, context(filters)))).toEqual(['a'])
    }
  })

  it('matches a search case-insensitively in the title or the description, as the API does', () => {
    const created = task('n', { title: 'Shopping', description: 'Buy MILK' })
    expect(ids(applyToList([], { type: 'task.created', task: created }, context({ q: 'milk' })))).toEqual(['n'])
  })

  it('puts a new task first on a fully loaded smart list, as a local add does', () => {
    const change = applyToList([task('a'), task('b')], { type: 'task.created', task: task('n') }, context())
    expect(ids(change)).toEqual(['n', 'a', 'b'])
  })

  it('refetches a paged smart list for a task it does not show (it may belong on a page not loaded)', () => {
    const change = applyToList([task('a')], { type: 'task.created', task: task('n') }, context({}, false))
    expect(change).toEqual({ refetch: true })
  })

  it('places a new task by the sort: newest first goes on top even when paged', () => {
    const list = [task('b', { created_at: at(9) }), task('a', { created_at: at(8) })]
    const created = task('n', { created_at: at(10) })
    const change = applyToList(
      list,
      { type: 'task.created', task: created },
      context({ sort: 'created_at', order: 'desc' }, false),
    )
    expect(ids(change)).toEqual(['n', 'b', 'a'])
  })

  it('places by due date with undated tasks last, and refetches when the place is past the last loaded page', () => {
    const list = [task('a', { due_at: at(9) }), task('c', { due_at: at(11) })]
    const sorted = context({ sort: 'due_at', order: 'asc' }, false)
    const between = task('b', { due_at: at(10) })
    expect(ids(applyToList(list, { type: 'task.created', task: between }, sorted))).toEqual(['a', 'b', 'c'])
    const undated = task('z')
    expect(applyToList(list, { type: 'task.created', task: undated }, sorted)).toEqual({ refetch: true })
    const loaded = context({ sort: 'due_at', order: 'asc' }, true)
    expect(ids(applyToList(list, { type: 'task.created', task: undated }, loaded))).toEqual(['a', 'c', 'z'])
  })

  it('moves an updated task whose sort key changed (priority raised)', () => {
    const list = [task('h', { priority: 'high' }), task('m'), task('l', { priority: 'low' })]
    const raised = task('l', { priority: 'high', updated_at: at(9) })
    const change = applyToList(
      list,
      { type: 'task.updated', task: raised },
      context({ sort: 'priority', order: 'desc' }),
    )
    expect(ids(change)).toEqual(['h', 'l', 'm'])
  })

  it('refetches a title-sorted list when a title changes (the database collation decides that order)', () => {
    const renamed = task('a', { title: 'Zebra', updated_at: at(9) })
    expect(
      applyToList([task('a')], { type: 'task.updated', task: renamed }, context({ sort: 'title', order: 'asc' })),
    ).toEqual({
      refetch: true,
    })
  })

  it('refetches for tasks.changed and resync', () => {
    expect(applyToList([task('a')], { type: 'refetch' }, context())).toEqual({ refetch: true })
  })
})

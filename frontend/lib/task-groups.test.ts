import { describe, expect, it } from 'vitest'
import { makeTask } from '@/test/task-server'
import { groupOf, groupTasks } from './task-groups'

const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s)
const NOW = at(2026, 12, 7, 15, 0) // Mon 7 Dec 2026, 15:00 local
const due = (date: Date) => date.toISOString()

describe('smart list sections', () => {
  it('puts overdue first, then today, upcoming by due date, no date, and completed last', () => {
    const tasks = [
      makeTask({ title: 'No date' }),
      makeTask({ title: 'Done', completed: true, due_at: due(at(2026, 12, 1)) }),
      makeTask({ title: 'Next week', due_at: due(at(2026, 12, 14, 9)) }),
      makeTask({ title: 'Tomorrow', due_at: due(at(2026, 12, 8, 23, 59, 59)) }),
      makeTask({ title: 'Tonight', due_at: due(at(2026, 12, 7, 20)) }),
      makeTask({ title: 'Two days late', due_at: due(at(2026, 12, 5, 23, 59, 59)) }),
      makeTask({ title: 'This morning', due_at: due(at(2026, 12, 7, 9)) }),
    ]
    const groups = groupTasks(tasks, NOW)
    expect(groups.map((g) => [g.label, g.tasks.map((t) => t.title)])).toEqual([
      ['Overdue', ['Two days late', 'This morning']],
      ['Today', ['Tonight']],
      ['Upcoming', ['Tomorrow', 'Next week']],
      ['No date', ['No date']],
      ['Completed', ['Done']],
    ])
  })

  it('an all-day task due today is today’s until the day is over', () => {
    expect(groupOf(makeTask({ due_at: due(at(2026, 12, 7, 23, 59, 59)) }), NOW)).toBe('today')
    expect(groupOf(makeTask({ due_at: due(at(2026, 12, 6, 23, 59, 59)) }), NOW)).toBe('overdue')
  })

  it('keeps a task where it was first shown when it is ticked off', () => {
    const placed = new Map()
    const task = makeTask({ title: 'Soon', due_at: due(at(2026, 12, 9)) })
    expect(groupTasks([task], NOW, placed)[0]?.key).toBe('upcoming')
    expect(groupTasks([{ ...task, completed: true }], NOW, placed)[0]?.key).toBe('upcoming')
    expect(groupTasks([{ ...task, completed: true }], NOW)[0]?.key).toBe('completed')
  })

  it('leaves empty sections out', () => {
    expect(groupTasks([makeTask({ title: 'x' })], NOW).map((g) => g.key)).toEqual(['none'])
    expect(groupTasks([], NOW)).toEqual([])
  })
})

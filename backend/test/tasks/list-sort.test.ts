/**
 * Sorting a task list by every key in both orders.
 */
import { it } from 'node:test'
import { describeWithApp } from '../support/harness.js'
import { assertGroups, type Query, queryString, sixTasks } from './support.js'

describeWithApp('task list filters and sorts', {}, (t) => {
  it('sorts by every key in both orders (priority by meaning, no due date last either way)', async () => {
    const api = await sixTasks(t)
    const created = [
      'Buy milk',
      '100% done',
      'Rename snake_case columns',
      'Call the clinic',
      'Water plants',
      'Pay rent',
    ]
    const updated = [
      'Call the clinic',
      'Pay rent',
      '100% done',
      'Water plants',
      'Rename snake_case columns',
      'Buy milk',
    ]
    const byTitle = [
      '100% done',
      'Buy milk',
      'Call the clinic',
      'Pay rent',
      'Rename snake_case columns',
      'Water plants',
    ]
    const orders: [Query, string[][]][] = [
      [{}, created.map((c) => [c]).reverse()], // default: created_at desc
      [{ sort: 'created_at', order: 'asc' }, created.map((c) => [c])],
      [{ sort: 'created_at', order: 'desc' }, created.map((c) => [c]).reverse()],
      [{ order: 'asc' }, created.map((c) => [c])],
      [{ sort: 'updated_at', order: 'asc' }, updated.map((c) => [c])],
      [{ sort: 'updated_at', order: 'desc' }, updated.map((c) => [c]).reverse()],
      [{ sort: 'updated_at' }, updated.map((c) => [c]).reverse()],
      [{ sort: 'title', order: 'asc' }, byTitle.map((c) => [c])],
      [{ sort: 'title', order: 'desc' }, byTitle.map((c) => [c]).reverse()],
      [
        { sort: 'priority', order: 'asc' },
        [
          ['Buy milk', 'Pay rent'],
          ['Rename snake_case columns', 'Water plants'],
          ['100% done', 'Call the clinic'],
        ],
      ],
      [
        { sort: 'priority', order: 'desc' },
        [
          ['100% done', 'Call the clinic'],
          ['Rename snake_case columns', 'Water plants'],
          ['Buy milk', 'Pay rent'],
        ],
      ],
      [
        { sort: 'due_at', order: 'asc' },
        [['100% done'], ['Call the clinic', 'Pay rent'], ['Buy milk'], ['Rename snake_case columns', 'Water plants']],
      ],
      [
        { sort: 'due_at', order: 'desc' },
        [['Buy milk'], ['Call the clinic', 'Pay rent'], ['100% done'], ['Rename snake_case columns', 'Water plants']],
      ],
    ]
    for (const [query, groups] of orders) {
      const what = queryString(query) || 'default'
      assertGroups((await api.page(query)).items, groups, what)
      assertGroups(await api.all(query, 1), groups, `${what}, one per page`)
    }
    // Sorting and filtering together.
    assertGroups(
      (await api.page({ sort: 'due_at', order: 'desc', tag: 'home' })).items,
      [['Buy milk'], ['Call the clinic', 'Pay rent']],
      'due_at desc, tag=home',
    )
  })
})

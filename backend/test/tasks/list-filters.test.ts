/**
 * Listing tasks: the default list, status, search, priority, tags and due-date filters, and bad parameters.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { TASK_KEYS } from '../support/task-shape.js'
import { type Query, queryString, set, sixTasks, sorted, tasksOf, titles } from './support.js'

describeWithApp('task list filters and sorts', {}, (t) => {
  it('lists all tasks by default, and by status', async () => {
    const api = await sixTasks(t)
    const all = await api.page()
    assert.equal(all.items.length, 6)
    assert.equal(all.next_cursor, null)
    for (const item of all.items) assert.deepEqual(Object.keys(item).sort(), TASK_KEYS)
    assert.deepEqual(await set(api, { status: 'all' }), sorted(titles(all.items)))
    assert.deepEqual(
      await set(api, { status: 'pending' }),
      sorted(['Buy milk', 'Rename snake_case columns', 'Call the clinic', 'Pay rent']),
    )
    assert.deepEqual(await set(api, { status: 'completed' }), sorted(['100% done', 'Water plants']))
  })

  it('searches title and description case-insensitively, with % and _ as plain characters', async () => {
    const api = await sixTasks(t)
    assert.deepEqual(await set(api, { q: 'MILK' }), ['Buy milk'])
    assert.deepEqual(await set(api, { q: 'milk' }), ['Buy milk'])
    assert.deepEqual(await set(api, { q: 'Dentist' }), ['Call the clinic'], 'found by its description')
    assert.deepEqual(await set(api, { q: 'semi-SKIMMED' }), ['Buy milk'])
    assert.deepEqual(await set(api, { q: '%' }), ['100% done'])
    assert.deepEqual(await set(api, { q: '100%' }), ['100% done'])
    assert.deepEqual(await set(api, { q: '_' }), ['Rename snake_case columns'])
    assert.deepEqual(await set(api, { q: 'e_c' }), ['Rename snake_case columns'])
    assert.deepEqual(await set(api, { q: 'p_y' }), [], '_ matches only an underscore')
    assert.deepEqual(await set(api, { q: 'B%k' }), [], '% matches only a percent sign')
    assert.deepEqual(await set(api, { q: '\\' }), [])
    assert.deepEqual(await set(api, { q: 'nothing like this' }), [])
    assert.deepEqual(
      await set(api, { q: 'milk two' }),
      [],
      'the end of the title and the start of the description are not one text',
    )
    assert.deepEqual(await set(api, { q: 'the' }), ['Call the clinic'])
  })

  it('filters by priority, by tags (all must match) and by due dates (before exclusive, after inclusive)', async () => {
    const api = await sixTasks(t)
    assert.deepEqual(await set(api, { priority: 'high' }), sorted(['100% done', 'Call the clinic']))
    assert.deepEqual(await set(api, { priority: 'medium' }), sorted(['Rename snake_case columns', 'Water plants']))
    assert.deepEqual(await set(api, { priority: 'low' }), sorted(['Buy milk', 'Pay rent']))

    assert.deepEqual(await set(api, { tag: 'home' }), sorted(['Buy milk', 'Call the clinic', 'Pay rent']))
    assert.deepEqual(await set(api, { tag: ['home', 'errands'] }), sorted(['Buy milk', 'Pay rent']))
    assert.deepEqual(await set(api, { tag: ['errands', 'home', 'money'] }), ['Pay rent'])
    assert.deepEqual(await set(api, { tag: ['work', 'home'] }), [])
    assert.deepEqual(await set(api, { tag: 'nowhere' }), [])

    // 'Call the clinic' and 'Pay rent' are due at exactly 2026-12-02T09:00Z.
    const edge = '2026-12-02T09:00:00Z'
    assert.deepEqual(await set(api, { due_before: edge }), ['100% done'], 'due_before is exclusive')
    assert.deepEqual(
      await set(api, { due_after: edge }),
      sorted(['Buy milk', 'Call the clinic', 'Pay rent']),
      'due_after is inclusive; tasks without a due date are left out',
    )
    assert.deepEqual(await set(api, { due_before: '2026-12-02T10:00:00+01:00' }), ['100% done'], 'offsets count')
    assert.deepEqual(
      await set(api, { due_after: edge, due_before: '2026-12-03T09:00:00Z' }),
      sorted(['Call the clinic', 'Pay rent']),
    )
    assert.deepEqual(
      await set(api, { due_before: '2100-01-01T00:00:00Z' }),
      sorted(['Buy milk', '100% done', 'Call the clinic', 'Pay rent']),
      'no task without a due date',
    )

    assert.deepEqual(
      await set(api, { status: 'pending', tag: 'home', priority: 'low', q: 'milk' }),
      ['Buy milk'],
      'filters combine',
    )
    assert.deepEqual(await set(api, { status: 'completed', tag: 'work', due_before: edge }), ['100% done'])
  })

  it('refuses bad parameters with 422 instead of a silent default', async () => {
    const api = tasksOf(t, await t.signup())
    await api.create({ title: 'one' })
    const bad: [Query, string][] = [
      [{ status: 'done' }, 'status'],
      [{ status: '' }, 'status'],
      [{ status: ['all', 'pending'] }, 'status'],
      [{ sort: 'name' }, 'sort'],
      [{ sort: 'created_at desc' }, 'sort'],
      [{ order: 'up' }, 'order'],
      [{ order: 'DESC' }, 'order'],
      [{ priority: 'urgent' }, 'priority'],
      [{ due_before: 'tomorrow' }, 'due_before'],
      [{ due_before: '2026-12-01' }, 'due_before'],
      [{ due_after: '2026-13-01T00:00:00Z' }, 'due_after'],
      [{ tag: 'x'.repeat(33) }, 'tag'],
      [{ cursor: 'garbage' }, 'cursor'],
      [{ page: '2' }, 'page'],
      [{ offset: '10' }, 'offset'],
      [{ Status: 'all' }, 'Status'],
    ]
    for (const [query, field] of bad) {
      await assertProblem(await api.list(query), 422, { including: [field], what: queryString(query) })
    }
    const several = await assertProblem(
      await api.list({ status: 'x', sort: 'x', order: 'x', limit: '0', colour: 'red' }),
      422,
      { including: ['status', 'sort', 'order', 'limit', 'colour'], what: 'several at once' },
    )
    assert.ok((several.errors?.length ?? 0) >= 5)
  })
})

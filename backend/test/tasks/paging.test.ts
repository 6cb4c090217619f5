/**
 * Paging a task list: limit, the keyset cursor, and cursors made for another list.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { ids, type Query, queryString, sixTasks, sorted, type Task, tasksOf, titles } from './support.js'

describeWithApp('task list filters and sorts', {}, (t) => {
  it('pages with limit 1 to 100 and refuses any other limit', async () => {
    const api = await sixTasks(t)
    const one = await api.page({ limit: 1 })
    assert.equal(one.items.length, 1)
    assert.equal(typeof one.next_cursor, 'string')
    const exact = await api.page({ limit: 6 })
    assert.equal(exact.items.length, 6)
    assert.equal(exact.next_cursor, null, 'no next page when the last task is on this one')
    const five = await api.page({ limit: 5 })
    assert.equal(five.items.length, 5)
    assert.ok(five.next_cursor)
    const rest = await api.page({ limit: 5, cursor: five.next_cursor })
    assert.equal(rest.items.length, 1)
    assert.equal(rest.next_cursor, null)
    assert.equal((await api.page({ limit: 100 })).items.length, 6)
    for (const limit of ['0', '101', '-1', 'abc', '1.5', '', '1e1', ' 5', '1000']) {
      await assertProblem(await api.list({ limit }), 422, { including: ['limit'], what: `limit=${limit}` })
    }
  })

  it('refuses a cursor made for another sort or order, or tampered with', async () => {
    const api = await sixTasks(t)
    const titlePage = await api.page({ sort: 'title', order: 'asc', limit: 2 })
    const cursor = titlePage.next_cursor as string
    assert.ok(cursor)
    assert.equal((await api.page({ sort: 'title', order: 'asc', limit: 2, cursor })).items.length, 2)
    for (const query of [
      { sort: 'title', order: 'desc' },
      { sort: 'priority', order: 'asc' },
      { sort: 'created_at', order: 'asc' },
      {}, // the defaults are another sort and order
    ] as Query[]) {
      await assertProblem(await api.list({ ...query, limit: 2, cursor }), 422, {
        including: ['cursor'],
        what: queryString(query),
      })
    }
    const tampered = [
      'garbage',
      `${cursor}x`,
      cursor.slice(0, -3),
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('null').toString('base64url'),
      'x'.repeat(2000),
    ]
    for (const bad of tampered) {
      await assertProblem(await api.list({ sort: 'title', order: 'asc', cursor: bad }), 422, {
        including: ['cursor'],
        what: bad,
      })
    }
    // Forged in the server's own cursor format (base64url JSON) with values the database
    // cannot take: still a bad parameter, never a server error.
    const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const forged: [Query, unknown[]][] = [
      [{ sort: 'title', order: 'asc' }, ['title', 'asc', 'a\u0000b', randomUUID()]],
      [{ sort: 'title', order: 'asc' }, ['title', 'asc', 'a', 'x\u0000']],
      [{ sort: 'due_at', order: 'asc' }, ['due_at', 'asc', '0000-01-01T00:00:00.000Z', randomUUID()]],
      [{ sort: 'due_at', order: 'asc' }, ['due_at', 'asc', '+275760-09-13T00:00:00.000Z', randomUUID()]],
      [{ sort: 'created_at', order: 'desc' }, ['created_at', 'desc', '-000001-01-01T00:00:00.000Z', randomUUID()]],
      [{ sort: 'updated_at', order: 'desc' }, ['updated_at', 'desc', 'Sat, 01 Jan 0000 00:00:00 GMT', randomUUID()]],
      [{ sort: 'priority', order: 'asc' }, ['priority', 'asc', 7, randomUUID()]],
    ]
    for (const [query, value] of forged) {
      const res = await api.list({ ...query, cursor: forge(value) })
      await assertProblem(res, 422, { including: ['cursor'], what: JSON.stringify(value) })
    }
  })

  it('pages through seven tasks two at a time, each exactly once and in order, for every sort', async () => {
    const api = tasksOf(t, await t.signup())
    // Ties on title, priority and due_at, and tasks without a due date.
    const specs = [
      { title: 'alpha', priority: 'high', due_at: '2026-12-02T09:00:00Z' },
      { title: 'beta', priority: 'low', due_at: null },
      { title: 'alpha', priority: 'medium', due_at: '2026-12-01T09:00:00Z' },
      { title: 'gamma', priority: 'high', due_at: '2026-12-02T09:00:00Z' },
      { title: 'alpha', priority: 'high', due_at: null },
      { title: 'beta', priority: 'medium', due_at: '2026-12-03T09:00:00Z' },
      { title: 'delta', priority: 'high', due_at: null },
    ]
    const made: Task[] = []
    for (const spec of specs) made.push(await api.create(spec))
    // Change two of them, so updated_at differs from created_at.
    await api.ok('PATCH', `/${made[2]?.id}/complete`)
    await api.ok('PATCH', `/${made[0]?.id}`, { json: { description: 'edited' } })

    const rank = { low: 0, medium: 1, high: 2 }
    const keyOf: Record<string, (task: Task) => string | number | null> = {
      created_at: (x) => x.created_at,
      updated_at: (x) => x.updated_at,
      due_at: (x) => x.due_at,
      priority: (x) => rank[x.priority],
      title: (x) => x.title,
    }
    for (const sort of Object.keys(keyOf)) {
      for (const order of ['asc', 'desc']) {
        const what = `${sort} ${order}`
        const paged = await api.all({ sort, order }, 2)
        assert.equal(paged.length, 7, what)
        assert.deepEqual(sorted(ids(paged)), sorted(ids(made)), `${what}: every task exactly once`)
        assert.deepEqual(ids(paged), ids((await api.page({ sort, order })).items), `${what}: the order of one page`)
        const keys = paged.map(keyOf[sort] as (task: Task) => string | number | null)
        for (let i = 1; i < keys.length; i++) {
          const [a, b] = [keys[i - 1], keys[i]]
          if (b === null || b === undefined) continue
          assert.notEqual(a, null, `${what}: tasks without a due date come last`)
          const inOrder = order === 'asc' ? (a as string | number) <= b : (a as string | number) >= b
          assert.ok(inOrder, `${what}: ${String(a)} before ${String(b)}`)
        }
      }
    }

    // Filters hold across pages too.
    const alphas = await api.all({ q: 'alpha', sort: 'priority', order: 'desc' }, 1)
    assert.deepEqual(titles(alphas), ['alpha', 'alpha', 'alpha'])
    assert.deepEqual(
      alphas.map((a) => a.priority),
      ['high', 'high', 'medium'],
    )
  })
})

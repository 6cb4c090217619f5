/**
 * Every validation bound of a task, accepted at the bound: lengths, tags, due dates.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { type Task, tasksOf } from './support.js'

describeWithApp('task validation', {}, (t) => {
  const tags = (n: number, length = 5) =>
    Array.from({ length: n }, (_, i) => `${String.fromCharCode(97 + i)}${'x'.repeat(length - 1)}`)

  it('accepts every field at its bounds', async () => {
    const api = tasksOf(t, await t.signup())
    const t200 = 'T'.repeat(200)
    const long = await api.create({ title: `  ${t200}  `, description: 'd'.repeat(1000), tags: tags(10, 32) })
    assert.equal(long.title, t200, 'a title of 200 characters after trimming')
    assert.equal(long.description.length, 1000)
    assert.deepEqual(long.tags, tags(10, 32))

    const short = await api.create({ title: ' x ', description: '', tags: ['a'] })
    assert.equal(short.title, 'x')
    assert.deepEqual(short.tags, ['a'])

    for (const priority of ['low', 'medium', 'high'] as const) {
      assert.equal((await api.create({ title: priority, priority })).priority, priority)
    }

    // The same bounds hold when a task is replaced or patched.
    assert.equal((await api.ok('PUT', `/${short.id}`, { json: { title: t200 } })).title, t200)
    assert.equal(
      (await api.ok('PATCH', `/${short.id}`, { json: { description: 'e'.repeat(1000) } })).description.length,
      1000,
    )
    assert.deepEqual((await api.ok('PATCH', `/${short.id}`, { json: { tags: tags(10, 32) } })).tags, tags(10, 32))
  })

  it('stores tags lower-case and merges duplicates after lower-casing', async () => {
    const api = tasksOf(t, await t.signup())
    assert.deepEqual((await api.create({ title: 'x', tags: ['A', 'a', 'b'] })).tags, ['a', 'b'])
    const mixed = await api.create({ title: 'y', tags: ['Home', 'ERRANDS', 'home', 'Errands'] })
    assert.deepEqual(mixed.tags, ['home', 'errands'])
    assert.deepEqual((await api.read(mixed.id)).tags, ['home', 'errands'])
    assert.deepEqual((await api.ok('PATCH', `/${mixed.id}`, { json: { tags: ['X', 'x', 'Y'] } })).tags, ['x', 'y'])
  })

  it('accepts due_at with any offset and returns it in UTC, and accepts null', async () => {
    const api = tasksOf(t, await t.signup())
    const cases: [string, string][] = [
      ['2026-12-01T17:00:00Z', '2026-12-01T17:00:00.000Z'],
      ['2026-12-01T17:00:00+05:30', '2026-12-01T11:30:00.000Z'],
      ['2026-12-01T17:00:00.250-02:00', '2026-12-01T19:00:00.250Z'],
      ['2026-12-31T23:30:00-01:00', '2027-01-01T00:30:00.000Z'],
    ]
    for (const [given, stored] of cases) {
      const created = await api.create({ title: given, due_at: given })
      assert.equal(created.due_at, stored, given)
      assert.equal((await api.read(created.id)).due_at, stored, given)
    }
    assert.equal((await api.create({ title: 'no due date', due_at: null })).due_at, null)
  })

  it('stores a due date exactly as given or refuses it with 422, even at the ends of the calendar', async () => {
    const api = tasksOf(t, await t.signup())
    const patched = await api.create({ title: 'patched' })
    // Dates any user could mean are accepted.
    for (const due of ['1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00Z', '2999-12-31T23:59:59Z']) {
      assert.equal((await api.create({ title: due, due_at: due })).due_at, new Date(due).toISOString(), due)
    }
    // Far-off ones may be refused, but never fail on the server or come back as another date.
    const edges = [
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '0050-06-15T12:00:00Z',
      '0099-12-31T23:59:59Z',
      '0999-12-31T23:59:59Z',
      '1000-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '9999-12-31T23:59:59-23:59',
    ]
    for (const due of edges) {
      for (const [method, path, body] of [
        ['POST', '', { title: due, due_at: due }],
        ['PATCH', `/${patched.id}`, { due_at: due }],
      ] as const) {
        const res = await api.send(method, path, { json: body })
        if (res.status === 422) {
          await assertProblem(res, 422, { including: ['due_at'], what: `${method} ${due}` })
          continue
        }
        assert.ok(
          res.status === 200 || res.status === 201,
          `${method} ${due}: ${res.status} ${await res.clone().text()}`,
        )
        const stored = (await res.json()) as Task
        assert.equal(
          Date.parse(stored.due_at ?? ''),
          Date.parse(due),
          `${method} ${due}: came back as ${stored.due_at}`,
        )
        assert.equal((await api.read(stored.id)).due_at, stored.due_at)
      }
    }
    // And as list filters: an answer or a 422, never a server error.
    for (const due of edges) {
      for (const filter of ['due_before', 'due_after']) {
        const res = await api.list({ [filter]: due })
        assert.ok(res.status === 200 || res.status === 422, `${filter}=${due}: ${res.status} ${await res.text()}`)
      }
    }
  })
})

/**
 * Deleting a task, and the 404 of a task that is not there (API.md "Task API").
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { ids, tasksOf } from './support.js'

describeWithApp('task CRUD and completion', {}, (t) => {
  it('DELETE removes the task: 204, then 404 for it on every route', async () => {
    const api = tasksOf(t, await t.signup())
    const doomed = await api.create({ title: 'Doomed' })
    const kept = await api.create({ title: 'Kept' })
    const res = await api.send('DELETE', `/${doomed.id}`)
    assert.equal(res.status, 204)
    assert.equal(await res.text(), '')

    await assertProblem(await api.send('GET', `/${doomed.id}`), 404)
    await assertProblem(await api.send('DELETE', `/${doomed.id}`), 404)
    await assertProblem(await api.send('PUT', `/${doomed.id}`, { json: { title: 'Back' } }), 404)
    await assertProblem(await api.send('PATCH', `/${doomed.id}`, { json: { title: 'Back' } }), 404)
    await assertProblem(await api.send('PATCH', `/${doomed.id}/complete`), 404)
    assert.deepEqual(ids(await api.all()), [kept.id])
  })

  it('gives 404 for a task id that never existed, on every route, whatever the id looks like', async () => {
    const api = tasksOf(t, await t.signup())
    // Path segments as sent: a UUID, other text, a NUL byte, an invalid UTF-8 byte, a long one.
    for (const id of [randomUUID(), 'not-a-uuid', 'x%00y', '%00', '%FF', '%E2%9C%93', 'a'.repeat(2000)]) {
      for (const [method, path, body] of [
        ['GET', `/${id}`, undefined],
        ['PUT', `/${id}`, { json: { title: 'x' } }],
        ['PATCH', `/${id}`, { json: { title: 'x' } }],
        ['DELETE', `/${id}`, undefined],
        ['PATCH', `/${id}/complete`, undefined],
        ['PATCH', `/${id}/complete`, { json: { completed: true } }],
      ] as const) {
        await assertProblem(await api.send(method, path, body), 404, { what: `${method} ${path.slice(0, 40)}` })
      }
    }
    assert.deepEqual(await api.all(), [], 'nothing was created by them')
  })
})

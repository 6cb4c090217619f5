/**
 * PATCH /api/{user_id}/tasks/{id}/complete with `{}`: an empty object sets nothing, so it
 * toggles exactly like no body at all (API.md: "toggle completion (or set it with
 * { "completed": bool })").
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { tasksOf } from './support.js'

describeWithApp('completing a task with an empty JSON object', {}, (t) => {
  it('toggles completion, as with no body', async () => {
    const api = tasksOf(t, await t.signup())
    const created = await api.create({ title: 'Toggle me with {}' })

    const done = await api.ok('PATCH', `/${created.id}/complete`, { json: {} })
    assert.equal(done.completed, true)
    assert.ok(done.completed_at)

    const undone = await api.ok('PATCH', `/${created.id}/complete`, { json: {} })
    assert.equal(undone.completed, false)
    assert.equal(undone.completed_at, null)
    assert.deepEqual(await api.read(created.id), undone)
  })

  it('still refuses unknown fields and a completed that is not a boolean, with 422', async () => {
    const api = tasksOf(t, await t.signup())
    const created = await api.create({ title: 'Strict' })
    await assertProblem(await api.send('PATCH', `/${created.id}/complete`, { json: { done: true } }), 422)
    await assertProblem(await api.send('PATCH', `/${created.id}/complete`, { json: { completed: 'yes' } }), 422)
    assert.equal((await api.read(created.id)).completed, false)
  })
})

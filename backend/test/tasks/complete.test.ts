/**
 * PATCH /api/{user_id}/tasks/{id}/complete: toggling and setting completion.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { tasksOf, UTC_TIMESTAMP } from './support.js'

describeWithApp('task CRUD and completion', {}, (t) => {
  it('PATCH /complete with no body toggles completion and completed_at', async () => {
    const api = tasksOf(t, await t.signup())
    const created = await api.create({ title: 'Toggle me' })
    await sleep(5)
    const done = await api.ok('PATCH', `/${created.id}/complete`)
    assert.equal(done.completed, true)
    assert.match(done.completed_at ?? '', UTC_TIMESTAMP)
    assert.ok(Date.parse(done.completed_at ?? '') > Date.parse(created.created_at))
    assert.ok(Date.parse(done.updated_at) > Date.parse(created.updated_at))
    assert.deepEqual({ ...done, completed: false, completed_at: null, updated_at: created.updated_at }, created)

    const undone = await api.ok('PATCH', `/${created.id}/complete`)
    assert.equal(undone.completed, false)
    assert.equal(undone.completed_at, null)
    assert.deepEqual(await api.read(created.id), undone)

    const again = await api.ok('PATCH', `/${created.id}/complete`)
    assert.equal(again.completed, true)
    assert.ok(again.completed_at)
  })

  it('PATCH /complete with {"completed": bool} sets completion idempotently', async () => {
    const api = tasksOf(t, await t.signup())
    const created = await api.create({ title: 'Set me' })
    const done = await api.ok('PATCH', `/${created.id}/complete`, { json: { completed: true } })
    assert.equal(done.completed, true)
    assert.ok(done.completed_at)
    await sleep(5)
    const doneAgain = await api.ok('PATCH', `/${created.id}/complete`, { json: { completed: true } })
    assert.equal(doneAgain.completed, true)
    assert.equal(doneAgain.completed_at, done.completed_at, 'completing again keeps the completion time')

    const open = await api.ok('PATCH', `/${created.id}/complete`, { json: { completed: false } })
    assert.equal(open.completed, false)
    assert.equal(open.completed_at, null)
    const openAgain = await api.ok('PATCH', `/${created.id}/complete`, { json: { completed: false } })
    assert.equal(openAgain.completed, false)
    assert.equal(openAgain.completed_at, null)
  })

  it('PATCH /complete refuses a body that is not JSON (415), malformed (400) or invalid (422), changing nothing', async () => {
    const api = tasksOf(t, await t.signup())
    const created = await api.create({ title: 'Leave me' })
    const path = `/${created.id}/complete`
    await assertProblem(await api.send('PATCH', path, { raw: 'completed=true', type: 'text/plain' }), 415)
    await assertProblem(
      await api.send('PATCH', path, { raw: 'completed=true', type: 'application/x-www-form-urlencoded' }),
      415,
    )
    await assertProblem(await api.send('PATCH', path, { raw: '{"completed":', type: 'application/json' }), 400)
    await assertProblem(await api.send('PATCH', path, { json: { completed: 'yes' } }), 422, {
      including: ['completed'],
    })
    await assertProblem(await api.send('PATCH', path, { json: { completed: 1 } }), 422, { including: ['completed'] })
    await assertProblem(await api.send('PATCH', path, { json: { completed: null } }), 422, {
      including: ['completed'],
    })
    await assertProblem(await api.send('PATCH', path, { json: { completed: true, title: 'x' } }), 422, {
      including: ['title'],
    })
    assert.deepEqual(await api.read(created.id), created)
  })
})

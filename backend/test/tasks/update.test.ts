/**
 * Changing a task: PUT replaces the editable fields, PATCH changes only the given ones.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { tasksOf } from './support.js'

describeWithApp('task CRUD and completion', {}, (t) => {
  it('PUT replaces the editable fields: omitted ones go back to their defaults', async () => {
    const api = tasksOf(t, await t.signup())
    const original = await api.create({
      title: 'Old',
      description: 'old text',
      priority: 'high',
      tags: ['a'],
      due_at: '2026-12-01T17:00:00Z',
    })
    const completed = await api.ok('PATCH', `/${original.id}/complete`)
    await sleep(5)

    const full = await api.ok('PUT', `/${original.id}`, {
      json: {
        title: 'New',
        description: 'new text',
        priority: 'low',
        tags: ['b', 'c'],
        due_at: '2027-01-02T03:04:05Z',
      },
    })
    assert.equal(full.title, 'New')
    assert.equal(full.description, 'new text')
    assert.equal(full.priority, 'low')
    assert.deepEqual(full.tags, ['b', 'c'])
    assert.equal(full.due_at, '2027-01-02T03:04:05.000Z')

    const replaced = await api.ok('PUT', `/${original.id}`, { json: { title: 'Only a title' } })
    assert.equal(replaced.title, 'Only a title')
    assert.equal(replaced.description, '')
    assert.equal(replaced.priority, 'medium')
    assert.deepEqual(replaced.tags, [])
    assert.equal(replaced.due_at, null)
    // Not editable, so not replaced.
    assert.equal(replaced.id, original.id)
    assert.equal(replaced.user_id, original.user_id)
    assert.equal(replaced.created_at, original.created_at)
    assert.equal(replaced.completed, true)
    assert.equal(replaced.completed_at, completed.completed_at)
    assert.ok(Date.parse(replaced.updated_at) > Date.parse(completed.updated_at), 'updated_at moves')
    assert.deepEqual(await api.read(original.id), replaced)

    await assertProblem(await api.send('PUT', `/${original.id}`, { json: { description: 'x' } }), 422, {
      including: ['title'],
      what: 'PUT',
    })
    assert.deepEqual(await api.read(original.id), replaced, 'a PUT without a title changes nothing')
  })

  it('PATCH changes only the given fields and moves updated_at, not created_at', async () => {
    const api = tasksOf(t, await t.signup())
    const original = await api.create({
      title: 'Plan trip',
      description: 'Book trains',
      priority: 'high',
      tags: ['travel'],
      due_at: '2026-12-24T08:00:00Z',
    })
    await sleep(5)
    const patched = await api.ok('PATCH', `/${original.id}`, { json: { priority: 'low' } })
    assert.deepEqual(
      { ...patched, updated_at: original.updated_at },
      { ...original, priority: 'low' },
      'only priority changed',
    )
    assert.ok(Date.parse(patched.updated_at) > Date.parse(original.updated_at), 'updated_at moves')
    assert.equal(patched.created_at, original.created_at)

    await sleep(5)
    const cleared = await api.ok('PATCH', `/${original.id}`, { json: { due_at: null, tags: [] } })
    assert.deepEqual({ ...cleared, updated_at: patched.updated_at }, { ...patched, due_at: null, tags: [] })
    assert.ok(Date.parse(cleared.updated_at) > Date.parse(patched.updated_at))

    const renamed = await api.ok('PATCH', `/${original.id}`, {
      json: { title: '  Plan the trip  ', description: '' },
    })
    assert.equal(renamed.title, 'Plan the trip')
    assert.equal(renamed.description, '')
    assert.equal(renamed.priority, 'low')
    assert.deepEqual(await api.read(original.id), renamed)

    const empty = await assertProblem(await api.send('PATCH', `/${original.id}`, { json: {} }), 422, {
      what: 'PATCH {}',
    })
    assert.ok(empty.errors?.length)
    assert.deepEqual(await api.read(original.id), renamed, 'PATCH {} changes nothing')
  })
})

/**
 * Creating a task (API.md "Task API"): the full shape, the defaults, the Location.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeWithApp } from '../support/harness.js'
import { TASK_KEYS } from '../support/task-shape.js'
import { ids, sorted, type Task, tasksOf, UTC_TIMESTAMP } from './support.js'

describeWithApp('task CRUD and completion', {}, (t) => {
  it('creates a task with the full shape, the defaults and a Location that reads it back', async () => {
    const ann = await t.signup()
    const api = tasksOf(t, ann)
    const before = Date.now()
    const res = await api.send('POST', '', { json: { title: 'Buy milk' } })
    const afterCreate = Date.now()
    assert.equal(res.status, 201)
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
    const created = (await res.json()) as Task
    assert.deepEqual(Object.keys(created).sort(), TASK_KEYS)
    assert.equal(typeof created.id, 'string')
    assert.ok(created.id.length > 0)
    assert.equal(created.user_id, ann.user.id)
    assert.equal(created.title, 'Buy milk')
    assert.equal(created.description, '')
    assert.equal(created.priority, 'medium')
    assert.deepEqual(created.tags, [])
    assert.equal(created.due_at, null)
    assert.equal(created.completed, false)
    assert.equal(created.completed_at, null)
    assert.match(created.created_at, UTC_TIMESTAMP)
    assert.equal(created.updated_at, created.created_at)
    const createdMs = Date.parse(created.created_at)
    assert.ok(createdMs >= before - 1000 && createdMs <= afterCreate + 1000, 'created_at is the time of creation')

    const location = res.headers.get('location')
    assert.ok(location, 'a Location header')
    const viaLocation = await t.fetch(location, { headers: { authorization: `Bearer ${ann.token}` } })
    assert.equal(viaLocation.status, 200)
    assert.deepEqual(await viaLocation.json(), created)
    assert.deepEqual(await api.read(created.id), created)

    const other = await api.create({ title: 'Second' })
    assert.notEqual(other.id, created.id, 'each task gets its own id')
    assert.deepEqual(sorted(ids(await api.all())), sorted([created.id, other.id]))
  })

  it('stores every editable field given on create', async () => {
    const api = tasksOf(t, await t.signup())
    const created = await api.create({
      title: 'File taxes',
      description: 'Before the deadline',
      priority: 'high',
      tags: ['money', 'home'],
      due_at: '2026-12-01T17:00:00Z',
    })
    assert.equal(created.title, 'File taxes')
    assert.equal(created.description, 'Before the deadline')
    assert.equal(created.priority, 'high')
    assert.deepEqual(created.tags, ['money', 'home'])
    assert.equal(created.due_at, '2026-12-01T17:00:00.000Z')
    assert.deepEqual(await api.read(created.id), created)
  })

  it('keeps a description as typed, but for byte-order marks at its start', async () => {
    const api = tasksOf(t, await t.signup())
    const bom = '\uFEFF'
    const created = await api.create({ title: 'Pasted', description: `${bom}${bom}From a file${bom} ` })
    assert.equal(created.description, `From a file${bom} `)
    assert.deepEqual(await api.read(created.id), created)
    const onlyMarks = await api.send('PATCH', `/${created.id}`, { json: { description: bom } })
    assert.equal(onlyMarks.status, 200)
    assert.equal(((await onlyMarks.json()) as Task).description, '')
    assert.equal((await api.read(created.id)).description, '')
  })
})

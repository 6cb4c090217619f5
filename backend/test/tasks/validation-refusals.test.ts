/**
 * Invalid, malformed and non-JSON task bodies: 422 naming every field, 400, 415; nothing stored.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { tasksOf } from './support.js'

describeWithApp('task validation', {}, (t) => {
  const tags = (n: number, length = 5) =>
    Array.from({ length: n }, (_, i) => `${String.fromCharCode(97 + i)}${'x'.repeat(length - 1)}`)

  /** Bodies refused with 422, each naming the field at fault. */
  const invalid: [string, Record<string, unknown>, string][] = [
    ['empty title', { title: '' }, 'title'],
    ['blank title', { title: '   ' }, 'title'],
    ['title of 201 characters', { title: 't'.repeat(201) }, 'title'],
    ['title of 201 characters inside spaces', { title: ` ${'t'.repeat(201)} ` }, 'title'],
    ['title not a string', { title: 42 }, 'title'],
    ['title null', { title: null }, 'title'],
    ['description of 1001 characters', { description: 'd'.repeat(1001) }, 'description'],
    ['description null', { description: null }, 'description'],
    ['priority outside the enum', { priority: 'urgent' }, 'priority'],
    ['priority in another case', { priority: 'High' }, 'priority'],
    ['priority as a number', { priority: 2 }, 'priority'],
    ['11 tags', { tags: tags(11) }, 'tags'],
    ['tag of 33 characters', { tags: ['ok', 'x'.repeat(33)] }, 'tags'],
    ['empty tag', { tags: [''] }, 'tags'],
    ['tags not an array', { tags: 'home' }, 'tags'],
    ['tag not a string', { tags: [7] }, 'tags'],
    ['due_at in words', { due_at: 'tomorrow' }, 'due_at'],
    ['due_at in month 13', { due_at: '2026-13-01T00:00:00Z' }, 'due_at'],
    ['due_at on 30 February', { due_at: '2026-02-30T00:00:00Z' }, 'due_at'],
    ['due_at without time', { due_at: '2026-12-01' }, 'due_at'],
    ['due_at without offset', { due_at: '2026-12-01T17:00:00' }, 'due_at'],
    ['due_at as epoch number', { due_at: 1796144400000 }, 'due_at'],
    ['unknown field', { titel: 'typo' }, 'titel'],
    ['completed is set by the server', { completed: true }, 'completed'],
    ['completed_at is set by the server', { completed_at: '2026-12-01T17:00:00Z' }, 'completed_at'],
    ['created_at is set by the server', { created_at: '2026-12-01T17:00:00Z' }, 'created_at'],
    ['updated_at is set by the server', { updated_at: '2026-12-01T17:00:00Z' }, 'updated_at'],
    ['id is set by the server', { id: 'mine' }, 'id'],
    ['user_id is set by the server', { user_id: 'someone' }, 'user_id'],
  ]

  it('refuses every invalid field with 422 on create, replace and patch, and stores nothing', async () => {
    const api = tasksOf(t, await t.signup())
    const existing = await api.create({ title: 'Existing', description: 'as it was', tags: ['keep'] })
    for (const [what, fields, field] of invalid) {
      const withTitle = { title: 'Valid title', ...fields }
      await assertProblem(await api.send('POST', '', { json: withTitle }), 422, {
        including: [field],
        what: `POST ${what}`,
      })
      await assertProblem(await api.send('PUT', `/${existing.id}`, { json: withTitle }), 422, {
        including: [field],
        what: `PUT ${what}`,
      })
      await assertProblem(await api.send('PATCH', `/${existing.id}`, { json: fields }), 422, {
        including: [field],
        what: `PATCH ${what}`,
      })
    }
    await assertProblem(await api.send('POST', '', { json: { description: 'no title' } }), 422, {
      including: ['title'],
      what: 'POST',
    })
    assert.deepEqual(await api.all(), [existing], 'nothing was stored or changed')
  })

  it('lists every invalid field of one body, not only the first', async () => {
    const api = tasksOf(t, await t.signup())
    const body = {
      title: ' ',
      description: 'd'.repeat(1001),
      priority: 'urgent',
      tags: ['', 'x'.repeat(33)],
      due_at: 'tomorrow',
      colour: 'red',
      completed: true,
    }
    const fields = ['title', 'description', 'priority', 'tags', 'due_at', 'colour', 'completed']
    await assertProblem(await api.send('POST', '', { json: body }), 422, { including: fields, what: 'POST' })
    const { title: _, ...patch } = body
    const made = await api.create({ title: 'x' })
    await assertProblem(await api.send('PUT', `/${made.id}`, { json: body }), 422, { including: fields, what: 'PUT' })
    await assertProblem(await api.send('PATCH', `/${made.id}`, { json: patch }), 422, {
      including: fields.filter((f) => f !== 'title'),
      what: 'PATCH',
    })
    assert.deepEqual(await api.all(), [made])
  })

  it('refuses malformed JSON with 400 and a body that is not JSON with 415, storing nothing', async () => {
    const api = tasksOf(t, await t.signup())
    const existing = await api.create({ title: 'Existing' })
    const routes: [string, string][] = [
      ['POST', ''],
      ['PUT', `/${existing.id}`],
      ['PATCH', `/${existing.id}`],
    ]
    for (const [method, path] of routes) {
      for (const raw of ['{"title": "x"', '{title: "x"}', "{'title': 'x'}", '']) {
        await assertProblem(await api.send(method, path, { raw, type: 'application/json' }), 400, {
          what: `${method} ${raw}`,
        })
      }
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        await assertProblem(await api.send(method, path, { raw: '{"title":"x"}', type }), 415, {
          what: `${method} ${type}`,
        })
      }
      await assertProblem(await api.send(method, path, { raw: '{"title":"x"}' }), 415, { what: `${method} no type` })
      await assertProblem(await api.send(method, path, { raw: '["x"]', type: 'application/json' }), 422, {
        what: method,
      })
    }
    assert.deepEqual(await api.all(), [existing])
  })
})

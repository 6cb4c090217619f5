/**
 * Parallel PUT, PATCH and DELETE of one task: no 5xx, one writer's version, one 204.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { readProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { tasksOf } from '../tasks/support.js'
import { answer, assertNo5xx, count, DELETERS, describeAnswers, type Task, WRITERS } from './support.js'

describeWithApp('concurrency', {}, (t) => {
  it(`${WRITERS} parallel PUT and PATCH on one task: no 5xx, and the task is one writer's version`, async () => {
    const ann = await t.signup()
    const api = tasksOf(t, ann)
    const task = await api.create({ title: 'Contested', tags: ['start'] })
    const priorities = ['low', 'medium', 'high'] as const
    // Every write names a distinct title, so the final task says which write it came from.
    const writes = Array.from({ length: WRITERS }, (_, i) => {
      const full = {
        title: `version ${i}`,
        description: `written by writer ${i}`,
        priority: priorities[i % 3],
        tags: [`w${i}`, 'shared'],
        due_at: new Date(Date.UTC(2030, 0, 1 + i)).toISOString(),
      }
      // PUT replaces everything; PATCH changes some fields, sometimes all of them.
      if (i % 3 === 0) return { method: 'PUT', body: full }
      if (i % 3 === 1) return { method: 'PATCH', body: full }
      return { method: 'PATCH', body: { title: full.title, tags: full.tags } }
    })
    const answers = await Promise.all(
      writes.map(async ({ method, body }) => answer(await api.send(method, `/${task.id}`, { json: body }))),
    )
    assertNo5xx(answers, 'parallel writes')
    assert.equal(count(answers, 200), WRITERS, describeAnswers(answers))
    const written = answers.map((a) => JSON.parse(a.text) as Task)
    for (const [i, w] of written.entries()) {
      // Each answer shows its own write applied in full (no field from a half-done other write).
      for (const [key, value] of Object.entries(writes[i]?.body ?? {})) {
        assert.deepEqual(w[key as keyof Task], value, `write ${i}: ${key}`)
      }
    }

    const final = await api.read(task.id)
    const source = written.find((w) => w.title === final.title)
    assert.ok(source, `the final title ${final.title} is one of the written ones`)
    // The last writer's answer is exactly the state it left behind.
    assert.deepEqual(final, source, 'the task equals the version one writer wrote')
    assert.equal(final.id, task.id)
    assert.equal(final.created_at, task.created_at)
    assert.equal(final.completed, false)
    const listed = await api.all()
    assert.deepEqual(listed, [final], 'still exactly one task')
  })

  it(`${DELETERS} parallel deletes of one task: one 204, the rest 404`, async () => {
    const api = tasksOf(t, await t.signup())
    const task = await api.create({ title: 'Delete me' })
    const keep = await api.create({ title: 'Keep me' })
    const answers = await Promise.all(
      Array.from({ length: DELETERS }, async () => answer(await api.send('DELETE', `/${task.id}`))),
    )
    assertNo5xx(answers, 'parallel deletes')
    assert.equal(count(answers, 204), 1, describeAnswers(answers))
    assert.equal(count(answers, 404), DELETERS - 1, describeAnswers(answers))
    const gone = await api.send('GET', `/${task.id}`)
    assert.equal(gone.status, 404)
    assert.equal((await readProblem(gone)).status, 404)
    assert.deepEqual(
      (await api.all()).map((x) => x.id),
      [keep.id],
    )
  })

  it('parallel writes racing a delete: each is a 200 or 404, and the task ends deleted', async () => {
    const api = tasksOf(t, await t.signup())
    const task = await api.create({ title: 'Doomed' })
    const requests = [
      ...Array.from({ length: 10 }, (_, i) => () => api.send('PATCH', `/${task.id}`, { json: { title: `edit ${i}` } })),
      ...Array.from({ length: 5 }, () => () => api.send('PATCH', `/${task.id}/complete`)),
      () => api.send('DELETE', `/${task.id}`),
      ...Array.from(
        { length: 10 },
        (_, i) => () => api.send('PUT', `/${task.id}`, { json: { title: `replace ${i}` } }),
      ),
    ]
    const answers = await Promise.all(requests.map(async (send) => answer(await send())))
    assertNo5xx(answers, 'writes racing a delete')
    for (const a of answers) assert.ok([200, 204, 404].includes(a.status), `${a.status} ${a.text}`)
    assert.equal(count(answers, 204), 1)
    assert.equal((await api.send('GET', `/${task.id}`)).status, 404)
    assert.deepEqual(await api.all(), [], 'no write brought the task back')
  })
})

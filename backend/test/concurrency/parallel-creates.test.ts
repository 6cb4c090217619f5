/**
 * Parallel creates for one user all get 201 and each task lands exactly once.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import { task as taskTable } from '../../src/db/schema.js'
import { describeWithApp } from '../support/harness.js'
import { tasksOf } from '../tasks/support.js'
import { answer, assertNo5xx, CREATES, count, describeAnswers, type Task } from './support.js'

describeWithApp('concurrency', {}, (t) => {
  it(`${CREATES} parallel creates for one user all get 201 and each lands exactly once`, async () => {
    const ann = await t.signup()
    const api = tasksOf(t, ann)
    const titles = Array.from({ length: CREATES }, (_, i) => `parallel ${i}`)
    const responses = await Promise.all(
      titles.map(async (title, i) => {
        const res = await api.send('POST', '', {
          json: { title, priority: (['low', 'medium', 'high'] as const)[i % 3] },
        })
        return { res, a: await answer(res) }
      }),
    )
    const answers = responses.map((r) => r.a)
    assertNo5xx(answers, 'parallel creates')
    assert.equal(count(answers, 201), CREATES, describeAnswers(answers.filter((a) => a.status !== 201)))

    const created = answers.map((a) => JSON.parse(a.text) as Task)
    const createdIds = new Set(created.map((task) => task.id))
    assert.equal(createdIds.size, CREATES, 'every create got its own id')
    assert.deepEqual(created.map((task) => task.title).sort(), [...titles].sort(), 'each answer is its own task')
    for (const [i, { res }] of responses.entries()) {
      assert.equal(res.headers.get('location'), `${api.base}/${created[i]?.id}`, 'Location names the new task')
    }

    const listed = await api.all()
    assert.equal(listed.length, CREATES, 'the list has every task, once')
    assert.deepEqual(new Set(listed.map((task) => task.id)), createdIds)
    // Two page sizes see the same set: no task skipped or repeated at page boundaries.
    const smallPages = await api.all({}, 7)
    assert.deepEqual(
      smallPages.map((task) => task.id),
      listed.map((task) => task.id),
    )
    for (const task of listed) {
      const mine = created.find((c) => c.id === task.id)
      assert.deepEqual(task, mine, 'the stored task is the one the create answered with')
    }

    const [row] = await t.services.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(taskTable)
      .where(eq(taskTable.userId, ann.user.id))
    assert.equal(row?.n, CREATES, 'the database holds exactly the created rows')
  })
})

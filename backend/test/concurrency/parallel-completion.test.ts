/**
 * Parallel toggles and completions of one task end as if they had run one after another.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeWithApp } from '../support/harness.js'
import { tasksOf } from '../tasks/support.js'
import { answer, assertNo5xx, count, describeAnswers, type Task, TOGGLES } from './support.js'

describeWithApp('concurrency', {}, (t) => {
  it(`${TOGGLES} parallel toggles of one task end as ${TOGGLES} toggles in a row would`, async () => {
    const ann = await t.signup()
    const api = tasksOf(t, ann)
    const task = await api.create({ title: 'Flip me' })
    const answers = await Promise.all(
      Array.from({ length: TOGGLES }, async () => answer(await api.send('PATCH', `/${task.id}/complete`))),
    )
    assertNo5xx(answers, 'parallel toggles')
    assert.equal(count(answers, 200), TOGGLES, describeAnswers(answers))
    const states = answers.map((a) => JSON.parse(a.text) as Task)
    // Each toggle is atomic, so the answers alternate: half (rounded up) say completed.
    assert.equal(states.filter((s) => s.completed).length, Math.ceil(TOGGLES / 2))
    for (const s of states) {
      assert.equal(s.completed_at !== null, s.completed, 'completed_at is set iff completed')
    }

    const final = await api.read(task.id)
    assert.equal(final.completed, TOGGLES % 2 === 1)
    assert.equal(final.completed_at !== null, final.completed, 'completed_at is set iff completed')
    assert.equal(final.title, 'Flip me', 'toggling touches nothing else')
    assert.ok(final.updated_at >= task.updated_at)
  })

  it('parallel explicit completions agree on one completion time', async () => {
    const api = tasksOf(t, await t.signup())
    const task = await api.create({ title: 'Done once' })
    const answers = await Promise.all(
      Array.from({ length: TOGGLES }, async () =>
        answer(await api.send('PATCH', `/${task.id}/complete`, { json: { completed: true } })),
      ),
    )
    assertNo5xx(answers, 'parallel completions')
    assert.equal(count(answers, 200), TOGGLES, describeAnswers(answers))
    const final = await api.read(task.id)
    assert.equal(final.completed, true)
    // Completing a completed task keeps its completion time, so all answers name the first one.
    const times = new Set(answers.map((a) => (JSON.parse(a.text) as Task).completed_at))
    assert.deepEqual(times, new Set([final.completed_at]))
  })
})

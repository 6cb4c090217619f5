/**
 * What a change becomes on the feed (API.md "Live sync", "Events"; decision 030): each write to a
 * task, through the API or by an operator's SQL, is one event for its owner, in commit order,
 * with the task exactly as GET returns it; a write that fails or is rolled back sends nothing.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { sql } from 'drizzle-orm'
import type { Feed } from '../../src/sync/feed.js'
import { describeWithApp, type TestApp } from '../support/harness.js'
import { tasksOf } from '../tasks/support.js'
import { assertIncreasing, insertTask, kinds, newUser, quietPeriod, startFeed, taskIn, watch } from './feed-support.js'

describeWithApp('Live-sync events of task writes', {}, (t: TestApp) => {
  let feed: Feed
  before(async () => {
    feed = await startFeed(t.services.database)
  })
  after(() => feed.close())

  it('sends created, updated, completed and deleted tasks as GET returns them, in the order of the writes', async () => {
    const who = await t.signup()
    const tasks = tasksOf(t, who)
    const stream = await watch(feed, who.user.id)
    assert.deepEqual(stream.backlog, [])

    const created = await tasks.create({
      title: 'Buy milk',
      tags: ['home'],
      priority: 'high',
      due_at: '2030-01-02T03:04:05.678Z',
    })
    const put = await tasks.ok('PUT', `/${created.id}`, { json: { title: 'Buy oat milk', description: 'two cartons' } })
    const patched = await tasks.ok('PATCH', `/${created.id}`, { json: { tags: ['home', 'shop'] } })
    const completed = await tasks.ok('PATCH', `/${created.id}/complete`)
    const afterWrites = await tasks.read(created.id)
    const deleted = await tasks.send('DELETE', `/${created.id}`)
    assert.equal(deleted.status, 204)

    const events = await stream.until(5)
    assert.deepEqual(kinds(events), ['task.created', 'task.updated', 'task.updated', 'task.updated', 'task.deleted'])
    assert.deepEqual(events[0]?.data, { task: created })
    assert.deepEqual(events[1]?.data, { task: put })
    assert.deepEqual(events[2]?.data, { task: patched })
    assert.deepEqual(events[3]?.data, { task: completed })
    assert.deepEqual(events[3]?.data, { task: afterWrites }, 'the event is the task GET returns after the write')
    assert.deepEqual(events[4]?.data, { id: created.id })
    assertIncreasing(events)
    stream.close()
  })

  it('sends nothing for a write that is refused or rolled back', async () => {
    const who = await t.signup()
    const tasks = tasksOf(t, who)
    const stream = await watch(feed, who.user.id)
    const refused = await tasks.send('POST', '', { json: { title: '' } })
    assert.equal(refused.status, 422)
    const database = t.services.database
    await assert.rejects(
      database.db.transaction(async (tx) => {
        await tx.execute(
          sql`insert into task (id, user_id, title, created_at, updated_at) values (gen_random_uuid()::text, ${who.user.id}, 'never', now(), now())`,
        )
        throw new Error('rolled back')
      }),
      /rolled back/,
    )
    await quietPeriod()
    assert.deepEqual(stream.live, [])
    stream.close()
  })

  it("delivers an operator's SQL: a raw insert, a bulk UPDATE of every task, a DELETE", async () => {
    const database = t.services.database
    const userId = await newUser(database)
    const stream = await watch(feed, userId)
    const first = await insertTask(database, userId, 'first')
    const second = await insertTask(database, userId, 'second')
    await database.db.execute(sql`update task set completed = true where user_id = ${userId}`)
    await database.db.execute(sql`delete from task where id = ${first}`)
    const events = await stream.until(5)
    assert.deepEqual(kinds(events), ['task.created', 'task.created', 'task.updated', 'task.updated', 'task.deleted'])
    const updatedIds = events.slice(2, 4).map((e) => taskIn(e).id)
    assert.deepEqual(new Set(updatedIds), new Set([first, second]))
    for (const e of events.slice(2, 4)) assert.equal(taskIn(e).completed, true)
    assert.deepEqual(events[4]?.data, { id: first })
    assertIncreasing(events)
    stream.close()
  })

  it('keeps commit order when writes of one user race from many connections', async () => {
    const who = await t.signup()
    const tasks = tasksOf(t, who)
    const stream = await watch(feed, who.user.id)
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => tasks.create({ title: `race ${i}` })))
    const events = await stream.until(12)
    assertIncreasing(events)
    assert.deepEqual(
      new Set(events.map((e) => taskIn(e).id)),
      new Set(made.map((task) => task.id)),
      'each write exactly once',
    )
    await quietPeriod()
    assert.equal(stream.live.length, 12, 'and nothing more')
    stream.close()
  })

  it('moves a task that an operator gives to another user: deleted for one, created for the other', async () => {
    const database = t.services.database
    const [from, to] = [await newUser(database), await newUser(database)]
    const taskId = await insertTask(database, from, 'moving')
    const [fromStream, toStream] = [await watch(feed, from), await watch(feed, to)]
    await database.db.execute(sql`update task set user_id = ${to} where id = ${taskId}`)
    const [gone] = await fromStream.until(1)
    const [arrived] = await toStream.until(1)
    assert.deepEqual(gone, { id: gone?.id, event: 'task.deleted', data: { id: taskId } })
    assert.equal(arrived?.event, 'task.created')
    assert.equal(taskIn(arrived).user_id, to)
    fromStream.close()
    toStream.close()
  })

  it('ends a deleted user with task.deleted for each of their tasks, then account.deleted', async () => {
    const who = await t.signup()
    const tasks = tasksOf(t, who)
    const [a, b] = [await tasks.create({ title: 'a' }), await tasks.create({ title: 'b' })]
    const stream = await watch(feed, who.user.id)
    const res = await t.fetch('/api/me', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ password: who.password }),
    })
    assert.equal(res.status, 204, await res.text())
    const events = await stream.until(3)
    assert.deepEqual(kinds(events), ['task.deleted', 'task.deleted', 'account.deleted'])
    assert.deepEqual(new Set(events.slice(0, 2).map((e) => e.data.id)), new Set([a.id, b.id]))
    assert.deepEqual(events[2]?.data, {})
    assertIncreasing(events)
    stream.close()
  })

  it('sends nothing of one user to another, not even while both write at once', async () => {
    const [alice, bob] = [await t.signup(), await t.signup()]
    const [aliceStream, bobStream] = [await watch(feed, alice.user.id), await watch(feed, bob.user.id)]
    await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => tasksOf(t, alice).create({ title: `alice ${i}` })),
      ...Array.from({ length: 4 }, (_, i) => tasksOf(t, bob).create({ title: `bob ${i}` })),
    ])
    await aliceStream.until(4)
    await bobStream.until(4)
    await quietPeriod()
    for (const [stream, owner] of [
      [aliceStream, alice.user.id],
      [bobStream, bob.user.id],
    ] as const) {
      assert.equal(stream.live.length, 4)
      for (const e of stream.live) assert.equal(taskIn(e).user_id, owner)
      stream.close()
    }
  })
})

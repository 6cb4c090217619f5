/**
 * A deleted user's tasks go with them, and no one else's.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { task as taskTable, user as userTable } from '../../src/db/schema.js'
import { describeWithApp } from '../support/harness.js'
import { tasksOf } from './support.js'

describeWithApp('deleting a user', {}, (t) => {
  it('deletes their tasks with them, and no one else’s', async () => {
    const ann = await t.signup()
    const bob = await t.signup()
    const annTasks = tasksOf(t, ann)
    const bobTasks = tasksOf(t, bob)
    for (const title of ['one', 'two', 'three']) await annTasks.create({ title, tags: ['x'] })
    const bobsTask = await bobTasks.create({ title: 'bob keeps this' })
    const { db } = t.services.database
    const rowsOf = (userId: string) => db.select().from(taskTable).where(eq(taskTable.userId, userId))
    assert.equal((await rowsOf(ann.user.id)).length, 3)

    await db.delete(userTable).where(eq(userTable.id, ann.user.id))

    assert.deepEqual(await rowsOf(ann.user.id), [], "the user's task rows are gone")
    assert.equal((await rowsOf(bob.user.id)).length, 1)
    assert.deepEqual(await bobTasks.read(bobsTask.id), bobsTask)
  })
})

/**
 * The task quota (TASKS_MAX_PER_USER): an account holds at most that many tasks. Beyond it a
 * create is 409 with a message a person can act on; parallel creates never overshoot; only the
 * account's own tasks count.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import { openDb } from '../../src/db/client.js'
import { migrate } from '../../src/db/migrate.js'
import { task as taskTable } from '../../src/db/schema.js'
import { readProblem } from '../../testkit/problem.js'
import { describeWithApp, startTestApp, type TestApp } from '../support/harness.js'
import { tasksOf } from '../tasks/support.js'

const MAX = 5
const PARALLEL_MAX = 20

const held = async (t: TestApp, userId: string) => {
  const [row] = await t.services.database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(taskTable)
    .where(eq(taskTable.userId, userId))
  return row?.n ?? 0
}

describeWithApp('task quota', { TASKS_MAX_PER_USER: String(MAX) }, (t) => {
  it(`creates exactly ${MAX} tasks, then answers 409 with the limit until one is deleted`, async () => {
    const ann = tasksOf(t, await t.signup())
    const made = []
    for (let i = 0; i < MAX; i++) made.push(await ann.create({ title: `Task ${i}` }))

    const refused = await ann.send('POST', '', { json: { title: 'One too many' } })
    assert.equal(refused.status, 409)
    const problem = await readProblem(refused)
    assert.equal(problem.code, 'TASK_LIMIT_REACHED')
    assert.equal(problem.detail, `Your account holds the maximum of ${MAX} tasks. Delete some to add more.`)
    assert.equal((await ann.all()).length, MAX, 'the refused task was not stored')

    // Changing tasks is still allowed at the limit; only adding is not.
    await ann.ok('PATCH', `/${made[0]?.id}`, { json: { title: 'Renamed at the limit' } })
    const gone = await ann.send('DELETE', `/${made[1]?.id}`)
    assert.equal(gone.status, 204)
    await ann.create({ title: 'Room again' })
    assert.equal((await ann.send('POST', '', { json: { title: 'Full again' } })).status, 409)
  })

  it("counts only the account's own tasks", async () => {
    const ann = tasksOf(t, await t.signup())
    const bob = tasksOf(t, await t.signup())
    for (let i = 0; i < MAX; i++) await ann.create({ title: `Ann ${i}` })
    assert.equal((await ann.send('POST', '', { json: { title: 'Ann over' } })).status, 409)
    // Bob is not held back by Ann's full account, and fills his own.
    for (let i = 0; i < MAX; i++) await bob.create({ title: `Bob ${i}` })
    assert.equal((await bob.send('POST', '', { json: { title: 'Bob over' } })).status, 409)
  })
})

/** Many creates of one user at once: exactly the quota is stored, the rest are refused. */
async function parallelCreates(t: TestApp) {
  const who = await t.signup()
  const ann = tasksOf(t, who)
  await ann.create({ title: 'Already there' })
  const statuses = await Promise.all(
    Array.from({ length: PARALLEL_MAX * 3 }, async (_, i) => {
      const res = await ann.send('POST', '', { json: { title: `parallel ${i}` } })
      await res.arrayBuffer()
      return res.status
    }),
  )
  const created = statuses.filter((s) => s === 201).length
  assert.deepEqual([...new Set(statuses)].sort(), [201, 409], `statuses: ${statuses.join(' ')}`)
  assert.equal(created, PARALLEL_MAX - 1, 'the one already there counts')
  assert.equal(await held(t, who.user.id), PARALLEL_MAX, 'the database holds exactly the limit')
}

const PARALLEL_ENV = { TASKS_MAX_PER_USER: String(PARALLEL_MAX) }

describeWithApp('task quota under parallel creates', PARALLEL_ENV, (t) => {
  it(`${PARALLEL_MAX * 3} parallel creates store exactly ${PARALLEL_MAX}, the rest 409`, () => parallelCreates(t))
})

// The server runs PGlite on a thread of its own, where a create is one statement (tasks/writes.ts).
describe('task quota under parallel creates on PGlite in its own thread, as the server runs it', () => {
  const t = {} as TestApp
  before(async () => {
    const database = await openDb({ pgliteInWorker: true })
    await migrate(database)
    Object.assign(t, await startTestApp('pglite', PARALLEL_ENV, { database }))
  })
  after(async () => {
    await t.close?.()
    await t.services?.database.close()
  })
  it(`${PARALLEL_MAX * 3} parallel creates store exactly ${PARALLEL_MAX}, the rest 409`, () => parallelCreates(t))
})

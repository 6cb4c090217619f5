/**
 * One account's writes take turns in the database (the quota's lock, the list version's row),
 * so many at once must not each hold a pooled connection while they wait: that would leave
 * other users' requests without one (the 503s of decision 020). They wait in memory instead.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeWithApp } from '../support/harness.js'
import { tasksOf } from '../tasks/support.js'

const PARALLEL = 60

describeWithApp('parallel writes of one account', {}, (t, driver) => {
  it(`${PARALLEL} at once all succeed and never hold more than two pooled connections`, {
    skip: driver === 'pglite' && 'PGlite is one connection, which every request takes in turn',
  }, async () => {
    const ann = tasksOf(t, await t.signup())
    const pool = t.services.database.pool
    if (!pool) throw new Error('no pool')
    let busiest = 0
    let waiting = 0
    const sampler = setInterval(() => {
      busiest = Math.max(busiest, pool.totalCount - pool.idleCount)
      waiting = Math.max(waiting, pool.waitingCount)
    }, 1)
    try {
      const statuses = await Promise.all(
        Array.from({ length: PARALLEL }, async (_, i) => {
          const res = await ann.send('POST', '', { json: { title: `parallel ${i}` } })
          await res.arrayBuffer()
          return res.status
        }),
      )
      assert.deepEqual(new Set(statuses), new Set([201]), statuses.join(' '))
    } finally {
      clearInterval(sampler)
    }
    assert.ok(busiest <= 2, `${busiest} connections in use at once`)
    assert.equal(waiting, 0, 'no request waited for a connection')
    assert.equal((await ann.all()).length, PARALLEL)
  })
})

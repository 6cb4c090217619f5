/**
 * Filtered and searched lists, the ones that can be slow: each runs under a statement timeout
 * (TASK_LIST_STATEMENT_TIMEOUT_MS, SET LOCAL so no pooled connection keeps it), a timed-out one
 * is 503 with Retry-After, never 500; and one user runs only a few at once
 * (TASK_LIST_CONCURRENCY_PER_USER), the rest waiting briefly or refused with 429.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertNoLeak, readProblem } from '../../testkit/problem.js'
import { describeWithApp, type TestApp } from '../support/harness.js'
import { tasksOf } from '../tasks/support.js'
import { fillAccount } from './support.js'

/** Enough of the largest tasks that a one-letter search takes tens of milliseconds. */
const BIG_ACCOUNT = 3000

/** statement_timeout of every connection the app's database has now (all of the pool's at once). */
async function statementTimeouts(t: TestApp): Promise<string[]> {
  const { pool, pglite } = t.services.database
  if (pglite)
    return [
      (await pglite.query<{ statement_timeout: string }>('show statement_timeout')).rows[0]?.statement_timeout ?? '',
    ]
  if (!pool) throw new Error('no pool')
  const clients = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()))
  try {
    return await Promise.all(
      clients.map(async (c) => (await c.query('show statement_timeout')).rows[0]?.statement_timeout as string),
    )
  } finally {
    for (const c of clients) c.release()
  }
}

describeWithApp('a list past its statement timeout', { TASK_LIST_STATEMENT_TIMEOUT_MS: '1' }, (t, driver) => {
  it('is 503 with Retry-After, and the timeout stays inside its transaction', async () => {
    const before = await statementTimeouts(t)
    const who = await t.signup()
    await fillAccount(t.services.database, who.user.id, BIG_ACCOUNT)
    const ann = tasksOf(t, who)

    const res = await ann.list({ q: 'a', sort: 'title' })
    if (driver === 'pglite') {
      // PGlite cannot interrupt a statement; there a search runs a slice of the account at a
      // time instead (tasks/search-slices.ts), and answers.
      assert.equal(res.status, 200)
    } else {
      assert.equal(res.status, 503)
      assert.ok(Number(res.headers.get('retry-after')) >= 1, 'Retry-After')
      const text = await res.clone().text()
      assertNoLeak(text, 'timed-out list')
      const problem = await readProblem(res)
      assert.equal(problem.code, 'TASK_LIST_TIMEOUT')
    }
    // Unfiltered lists follow an index and stop after the page: no timeout of their own.
    const page = await ann.page({ limit: 100 })
    assert.equal(page.items.length, 100)
    assert.deepEqual(await statementTimeouts(t), before, 'no connection kept the 1 ms timeout')
  })
})

describeWithApp('lists running at once for one user', { TASK_LIST_CONCURRENCY_PER_USER: '1' }, (t, driver) => {
  it('runs one, queues a few, refuses the rest with 429; another user is not held up', async () => {
    const who = await t.signup()
    await fillAccount(t.services.database, who.user.id, BIG_ACCOUNT)
    const ann = tasksOf(t, who)
    const bob = tasksOf(t, await t.signup())
    await bob.create({ title: 'Bob searches too' })

    // Different searches, so that none is answered from the list cache.
    const burst = Array.from({ length: 24 }, (_, i) =>
      ann.list({ q: String(i % 10), sort: 'title', limit: 100 + i - 24 }),
    )
    const bobs = await bob.page({ q: 'searches' })
    assert.equal(bobs.items.length, 1, "Bob's search is answered while Ann's wait")
    const answers = await Promise.all(burst)
    const statuses = answers.map((r) => r.status)
    const seen = `statuses: ${statuses.join(' ')}`
    assert.ok(
      statuses.every((s) => s === 200 || s === 429),
      seen,
    )
    // One running and eight waiting are answered.
    assert.ok(statuses.filter((s) => s === 200).length >= 9, seen)
    // PGlite runs every statement on the event loop, which takes requests in only between
    // them: there a user's lists rarely overlap at all. With a pool they do, and are refused.
    if (driver === 'pg') assert.ok(statuses.includes(429), seen)
    const refused = answers.find((r) => r.status === 429)
    if (refused) {
      assert.equal(refused.headers.get('retry-after'), '1')
      assert.equal((await readProblem(refused)).code, 'TASK_LISTS_BUSY')
    }
    for (const r of answers) if (!r.bodyUsed) await r.arrayBuffer()
    assert.equal(t.services.taskLimits.listSlots.size(), 0, 'every slot was given back')
  })
})

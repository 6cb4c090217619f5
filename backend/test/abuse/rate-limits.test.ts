/**
 * Per-user rates of the task API: writes (RATE_LIMIT_TASK_WRITES_PER_MINUTE) and searches
 * (RATE_LIMIT_TASK_SEARCHES_PER_MINUTE). Beyond them: 429 with Retry-After, and the request is
 * not processed. Reads, unfiltered lists and other users go on as before.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeWithApp } from '../support/harness.js'
import { tasksOf } from '../tasks/support.js'
import { assertRateLimited } from './support.js'

const WRITES = 4
const SEARCHES = 3

describeWithApp(
  'task rate limits',
  { RATE_LIMIT_TASK_WRITES_PER_MINUTE: String(WRITES), RATE_LIMIT_TASK_SEARCHES_PER_MINUTE: String(SEARCHES) },
  (t) => {
    it(`allows ${WRITES} writes of any kind, then refuses the next with 429 and does not make it`, async () => {
      const ann = tasksOf(t, await t.signup())
      const first = await ann.create({ title: 'One' })
      await ann.create({ title: 'Two' })
      await ann.ok('PATCH', `/${first.id}/complete`)
      assert.equal((await ann.send('DELETE', `/${first.id}`)).status, 204)

      const refused = await ann.send('POST', '', { json: { title: 'Three' } })
      // 4 a minute: the next token is back within 15 s.
      await assertRateLimited(refused, 'TASK_WRITES_RATE_LIMITED', 15)
      const invalid = await ann.send('POST', '', { json: { title: '' } })
      assert.equal(invalid.status, 429, 'counted before the body is looked at')
      await invalid.arrayBuffer()

      const listed = await ann.all()
      assert.deepEqual(
        listed.map((task) => task.title),
        ['Two'],
        'the refused create was not made',
      )
      assert.equal((await ann.list()).status, 200, 'reading is not a write')
      const bob = tasksOf(t, await t.signup())
      await bob.create({ title: "Bob's own allowance" })
    })

    it(`allows ${SEARCHES} searches, then 429; lists without a search go on`, async () => {
      const ann = tasksOf(t, await t.signup())
      await ann.create({ title: 'Buy milk' })
      for (let i = 0; i < SEARCHES; i++) {
        const page = await ann.page({ q: 'milk', sort: 'title' })
        assert.equal(page.items.length, 1)
      }
      await assertRateLimited(await ann.list({ q: 'milk' }), 'TASK_SEARCHES_RATE_LIMITED', 20)
      const plain = await ann.page({ sort: 'title', status: 'pending' })
      assert.equal(plain.items.length, 1, 'a filtered list without `q` is not a search')
    })
  },
)

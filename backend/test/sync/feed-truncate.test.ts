/**
 * TRUNCATE fires no row triggers: an operator who empties the task table changes every user's
 * tasks at once, so each user's streams get `tasks.changed` (refetch) instead of one event per
 * task (API.md "Live sync", "Events"; decision 030). Its own file: it empties the file's database.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { sql } from 'drizzle-orm'
import type { Database } from '../../src/db/client.js'
import type { Feed } from '../../src/sync/feed.js'
import { describeEachDriver, testDatabase } from '../support/harness.js'
import { insertTask, kinds, newUser, quietPeriod, startFeed, watch } from './feed-support.js'

describeEachDriver('Live sync after TRUNCATE', (driver) => {
  let database: Database
  let feed: Feed
  before(async () => {
    database = await testDatabase(driver)
    feed = await startFeed(database)
  })
  after(() => feed.close())

  it('tells every user tasks.changed, with or without tasks, and resumes after it', async () => {
    const [withTasks, withoutTasks] = [await newUser(database), await newUser(database)]
    await insertTask(database, withTasks)
    const streams = [await watch(feed, withTasks), await watch(feed, withoutTasks)]
    await database.db.execute(sql`truncate task`)
    for (const stream of streams) {
      const [changed] = await stream.until(1)
      assert.deepEqual(changed, { id: changed?.id, event: 'tasks.changed', data: {} })
    }
    await quietPeriod()
    for (const stream of streams) assert.deepEqual(kinds(stream.live), ['tasks.changed'], 'once')
    const resumed = await watch(feed, withTasks, streams[0]?.readyId)
    assert.deepEqual(resumed.backlog, streams[0]?.live, 'replayed like any event')
    for (const stream of [...streams, resumed]) stream.close()
  })
})

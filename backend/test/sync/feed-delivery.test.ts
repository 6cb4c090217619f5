/**
 * How events reach the instances (API.md "Live sync"; decision 030): on PostgreSQL every
 * instance hears every commit through its LISTEN on the direct URL, and a listener that lost its
 * connection tells each open stream `resync` (interrupted) within 5 s of being back; on PGlite
 * the database's own LISTEN, also when it runs on its worker thread as in the server. A write
 * whose announcement never came (its instance stopped after the commit) is found by the next
 * sweep. A feed that cannot reach the database refuses to open (the route answers 503).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import { type Database, openDb } from '../../src/db/client.js'
import { migrate } from '../../src/db/migrate.js'
import { createLogger } from '../../src/http/logger.js'
import { API_APPLICATION_NAME, createAnnouncer } from '../../src/sync/announcer.js'
import { type Feed, FeedUnavailableError } from '../../src/sync/feed.js'
import { closeDatabases, describeEachDriver, testDatabase } from '../support/harness.js'
import { DELIVERY_MS, insertTask, kinds, newUser, startFeed, taskIn, watch } from './feed-support.js'

const PG_URL = process.env.TEST_DATABASE_URL
/** API.md: "Within 5 s of the database answering again, each stream that may have missed events gets resync". */
const RESYNC_MS = 5_000

describeEachDriver('Live-sync delivery', (driver) => {
  let database: Database
  before(async () => {
    database = await testDatabase(driver)
  })

  it('refuses to open a feed on a database it cannot reach', async () => {
    const gone = driver === 'pg' ? await openDb({ url: PG_URL }) : await openDb({})
    const feed = await startFeed(gone)
    await gone.close()
    await assert.rejects(
      feed.open('someone', undefined, () => {}),
      (err) => err instanceof FeedUnavailableError,
    )
    await feed.close()
  })

  it('stops delivering to a stream once it is closed, and keeps delivering to the others', async () => {
    const feed = await startFeed(database)
    const userId = await newUser(database)
    const [kept, closed] = [await watch(feed, userId), await watch(feed, userId)]
    closed.close()
    closed.close() // idempotent
    await insertTask(database, userId)
    await kept.until(1)
    await sleep(200)
    assert.deepEqual(closed.live, [])
    kept.close()
    await feed.close()
  })
})

describe('Live-sync delivery across instances on PostgreSQL', {
  skip: !PG_URL && 'TEST_DATABASE_URL is not set',
}, () => {
  let one: Database
  let two: Database
  let feedOne: Feed
  let feedTwo: Feed
  before(async () => {
    one = await openDb({ url: PG_URL })
    two = await openDb({ url: PG_URL })
    await migrate(one)
    feedOne = await startFeed(one)
    feedTwo = await startFeed(two)
  })
  after(async () => {
    await feedOne?.close()
    await feedTwo?.close()
    await one?.close()
    await two?.close()
  })

  it("delivers a write made on one instance to the other's streams, and resumes there with the first's ids", async () => {
    const userId = await newUser(one)
    const [here, there] = [await watch(feedOne, userId), await watch(feedTwo, userId)]
    await insertTask(one, userId, 'written on one')
    const [onOne] = await here.until(1)
    const [onTwo] = await there.until(1)
    assert.deepEqual(onTwo, onOne, 'the same event, id and data, on both instances')
    await insertTask(two, userId, 'written on two')
    const [, later] = await here.until(2)
    assert.equal(taskIn(later).title, 'written on two')
    const resumed = await watch(feedTwo, userId, onOne?.id)
    assert.deepEqual(resumed.backlog, [later], "an id from one instance resumes on the other's")
    for (const stream of [here, there, resumed]) stream.close()
  })

  it('tells every open stream resync (interrupted) after its listener lost the connection, then goes on live', async () => {
    const userId = await newUser(one)
    const stream = await watch(feedTwo, userId)
    const before = await stream.until(0)
    assert.deepEqual(before, [])
    // Every live-sync listener on this database loses its connection (the other feeds recover too).
    await one.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity
          where application_name = 'taskwell live sync' and datname = current_database()`,
    )
    // Written while the listeners are down: only the resync can vouch for it.
    await insertTask(one, userId, 'while down')
    const [resync] = await stream.until(1, RESYNC_MS)
    assert.equal(resync?.event, 'resync')
    assert.deepEqual(resync?.data, { reason: 'interrupted' })
    await sleep(200)
    await insertTask(one, userId, 'after')
    const events = await stream.until(2)
    assert.ok(
      events.every((e) => e.event === 'resync' || taskIn(e).title === 'after'),
      `after the resync, only what came later: ${JSON.stringify(kinds(events))}`,
    )
    assert.ok(BigInt(events[1]?.id ?? 0) > BigInt(resync?.id ?? 0))
    assert.equal(taskIn(events.at(-1)).title, 'after')
    stream.close()
  })

  it("leaves the API's named pool to announce its own writes, many users per NOTIFY, to every instance", async () => {
    // The server's pool: the trigger does not NOTIFY for it (migration 0009), the announcer does.
    const api = await openDb({ url: PG_URL, poolApplicationName: API_APPLICATION_NAME })
    const feedApi = await startFeed(api)
    const announcer = createAnnouncer({ database: api, feed: feedApi, log: createLogger('silent') })
    try {
      const [ann, bob] = [await newUser(one), await newUser(one)]
      const [annHere, annThere, bobThere] = [
        await watch(feedApi, ann),
        await watch(feedTwo, ann),
        await watch(feedTwo, bob),
      ]
      await insertTask(api, ann, 'unannounced')
      await insertTask(api, bob, 'unannounced')
      await sleep(DELIVERY_MS / 2)
      assert.deepEqual(
        [annHere, annThere, bobThere].map((s) => s.live.length),
        [0, 0, 0],
        'the trigger stayed silent',
      )

      announcer.changed(ann)
      announcer.changed(bob)
      for (const stream of [annHere, annThere, bobThere]) {
        const [created] = await stream.until(1)
        assert.equal(taskIn(created).title, 'unannounced')
      }
      // Any other connection is announced by the trigger, as before.
      await insertTask(one, bob, 'by an operator')
      const [, operator] = await bobThere.until(2)
      assert.equal(taskIn(operator).title, 'by an operator')
      for (const stream of [annHere, annThere, bobThere]) stream.close()
    } finally {
      await announcer.close()
      await feedApi.close()
      await api.close()
    }
  })
})

describe('Live-sync delivery of a write whose announcement never came, on PostgreSQL', {
  skip: !PG_URL && 'TEST_DATABASE_URL is not set',
}, () => {
  it('reaches the streams of another instance at its next sweep (the writing instance stopped after the commit)', async () => {
    // The server's pool, whose writes the trigger leaves to an announcer that here never runs.
    const api = await openDb({ url: PG_URL, poolApplicationName: API_APPLICATION_NAME })
    const other = await openDb({ url: PG_URL })
    await migrate(other)
    const sweepMs = 300
    const feed = await startFeed(other, { sweepMs })
    try {
      const userId = await newUser(other)
      const stream = await watch(feed, userId)
      await insertTask(api, userId, 'committed, never announced')
      const [created] = await stream.until(1, 4 * sweepMs)
      assert.equal(taskIn(created).title, 'committed, never announced')
      stream.close()
    } finally {
      await feed.close()
      await api.close()
      await other.close()
    }
  })
})

describe('Live-sync delivery from PGlite on its worker thread, as the server runs it', () => {
  let database: Database
  let feed: Feed
  before(async () => {
    database = await openDb({ pgliteInWorker: true })
    await migrate(database)
    feed = await startFeed(database)
  })
  after(async () => {
    await feed?.close()
    await database?.close()
    await closeDatabases()
  })

  it('relays each commit from the worker to the streams within a second', async () => {
    const userId = await newUser(database)
    const stream = await watch(feed, userId)
    const taskId = await insertTask(database, userId, 'in the worker')
    await database.db.execute(sql`update task set title = 'still in the worker' where id = ${taskId}`)
    const events = await stream.until(2)
    assert.deepEqual(kinds(events), ['task.created', 'task.updated'])
    assert.equal(taskIn(events[1]).title, 'still in the worker')
    stream.close()
  })
})

/**
 * Resuming (API.md "Live sync", "Resuming"; decision 030): after one of this user's ids whose
 * later events are still kept, the feed replays them exactly once, with the ids and data they had
 * live, then goes on live with no gap and no duplicate, even while writes race with the open. Any
 * other id (malformed, unknown, in the future, too old, another user's) gets the newest position
 * and a single `resync`, and never another user's data. Old events are pruned by the cleanup job.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { sql } from 'drizzle-orm'
import type { Database } from '../../src/db/client.js'
import { createLogger } from '../../src/http/logger.js'
import { createCleanup } from '../../src/jobs/cleanup.js'
import type { Feed, SyncEvent } from '../../src/sync/feed.js'
import { describeEachDriver, testDatabase } from '../support/harness.js'
import { assertIncreasing, insertTask, kinds, newUser, quietPeriod, startFeed, taskIn, watch } from './feed-support.js'

const MAX_EVENTS = 5

describeEachDriver('Resuming a live-sync feed', (driver) => {
  let database: Database
  let feed: Feed
  before(async () => {
    database = await testDatabase(driver)
    feed = await startFeed(database, { replaySeconds: 600, replayMaxEvents: MAX_EVENTS })
  })
  after(() => feed.close())

  /** A user with `count` task.created events, as a stream saw them live. */
  async function userWithEvents(count: number): Promise<{ userId: string; events: SyncEvent[] }> {
    const userId = await newUser(database)
    const stream = await watch(feed, userId)
    for (let i = 0; i < count; i++) await insertTask(database, userId, `task ${i}`)
    const events = await stream.until(count)
    stream.close()
    return { userId, events }
  }

  const ageEvents = (userId: string, seconds: number) =>
    database.db.execute(
      sql`update sync_event set created_at = created_at - make_interval(secs => ${seconds}) where user_id = ${userId}`,
    )

  it('replays the events after a kept id exactly once, as they were live, then goes on live', async () => {
    const { userId, events } = await userWithEvents(3)
    const resumed = await watch(feed, userId, events[0]?.id)
    assert.equal(resumed.readyId, events[0]?.id, 'ready carries the id resumed after')
    assert.deepEqual(resumed.backlog, events.slice(1))
    await insertTask(database, userId, 'live')
    const [live] = await resumed.until(1)
    assert.equal(live?.event, 'task.created')
    assert.equal(taskIn(live).title, 'live')
    await quietPeriod()
    assert.equal(resumed.live.length, 1, 'nothing twice')
    assertIncreasing(resumed.all())
    resumed.close()
  })

  it('resumes after the ready id with nothing to replay, and after the newest id of a user whose events were pruned', async () => {
    const { userId, events } = await userWithEvents(2)
    const fresh = await watch(feed, userId)
    assert.equal(fresh.readyId, events[1]?.id, 'a new stream starts at the newest position')
    fresh.close()
    const again = await watch(feed, userId, fresh.readyId)
    assert.deepEqual(again.backlog, [])
    again.close()
    await database.db.execute(sql`delete from sync_event where user_id = ${userId}`)
    const pruned = await watch(feed, userId, fresh.readyId)
    assert.deepEqual(pruned.backlog, [], 'the newest position is known without its event')
    assert.equal(pruned.readyId, fresh.readyId)
    pruned.close()
  })

  it('resumes a user who never had an event from their ready id', async () => {
    const userId = await newUser(database)
    const first = await watch(feed, userId)
    first.close()
    await insertTask(database, userId)
    const resumed = await watch(feed, userId, first.readyId)
    assert.deepEqual(kinds(resumed.backlog), ['task.created'])
    resumed.close()
  })

  it('loses and repeats nothing when writes race with streams opening after each id', async () => {
    // A feed of its own whose replay limit no stream here reaches: how many events a stream opened
    // after `seen` replays depends on how far the writer got meanwhile (with the shared feed's 5,
    // a slow delivery to the reference stream turned a resume into a correct `resync`), and the
    // limit has a test of its own below.
    const racing = await startFeed(database, { replaySeconds: 600, replayMaxEvents: 1000 })
    try {
      const userId = await newUser(database)
      const reference = await watch(racing, userId)
      const writes = 20
      let written = 0
      const writer = (async () => {
        for (; written < writes; written++) await insertTask(database, userId, `race ${written}`)
      })()
      const streams = []
      while (written < writes) {
        const seen = reference.live.at(-1)?.id ?? reference.readyId
        streams.push({ from: seen, stream: await watch(racing, userId, seen) })
      }
      await writer
      const all = await reference.until(writes)
      for (const { from, stream } of streams) {
        const expected = all.filter((e) => BigInt(e.id) > BigInt(from))
        const deadline = Date.now() + 1_000
        while (stream.all().length < expected.length && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 10))
        assert.deepEqual(stream.all(), expected, `after ${from}: each later event once, in order`)
        stream.close()
      }
      assert.ok(streams.length > 1, 'streams opened while writing')
      reference.close()
    } finally {
      await racing.close()
    }
  })

  it('replays at most the latest SYNC_REPLAY_MAX_EVENTS: one more is too many', async () => {
    const { userId, events } = await userWithEvents(MAX_EVENTS + 2)
    const newest = events.at(-1)?.id
    const within = await watch(feed, userId, events[1]?.id)
    assert.equal(within.backlog.length, MAX_EVENTS)
    within.close()
    const beyond = await watch(feed, userId, events[0]?.id)
    assert.equal(beyond.readyId, newest)
    assert.deepEqual(beyond.backlog, [{ id: newest, event: 'resync', data: { reason: 'too_old' } }])
    beyond.close()
  })

  it('replays nothing older than SYNC_REPLAY_SECONDS, but resumes after an old id with nothing after it', async () => {
    const { userId, events } = await userWithEvents(2)
    await ageEvents(userId, 601)
    const newest = events[1]?.id
    const old = await watch(feed, userId, events[0]?.id)
    assert.deepEqual(old.backlog, [{ id: newest, event: 'resync', data: { reason: 'too_old' } }])
    old.close()
    const quiet = await watch(feed, userId, newest)
    assert.deepEqual(quiet.backlog, [], 'no event after it, so none is missed')
    quiet.close()
  })

  it('answers any other id with the newest position and resync, never an error and never data', async () => {
    const { userId, events } = await userWithEvents(2)
    const other = await userWithEvents(2)
    const newest = events[1]?.id as string
    const cases: [string, string][] = [
      ['malformed', 'not-an-id'],
      ['empty', ''],
      ['negative', '-1'],
      ['decimal', '1.5'],
      ['exponent', '1e15'],
      ['hex', '0x10'],
      ['padded', ` ${newest}`],
      ['leading zero', `0${newest}`],
      ['too large', '9'.repeat(40)],
      ['unicode digits', '١٢٣'],
      ['in the future', String(BigInt(newest) + 1_000_000n)],
      ["another user's", other.events[0]?.id as string],
      ['huge', 'x'.repeat(100_000)],
    ]
    for (const [what, id] of cases) {
      const stream = await watch(feed, userId, id)
      assert.equal(stream.readyId, newest, what)
      assert.equal(stream.backlog.length, 1, what)
      assert.equal(stream.backlog[0]?.event, 'resync', what)
      assert.equal(stream.backlog[0]?.id, newest, what)
      assert.match(String(stream.backlog[0]?.data.reason), /^(unknown_position|too_old)$/, what)
      stream.close()
    }
    const foreign = await watch(feed, userId, other.events[0]?.id)
    assert.deepEqual(foreign.backlog, [{ id: newest, event: 'resync', data: { reason: 'unknown_position' } }])
    foreign.close()
  })

  it('replays a user only their own events, even from an id another user also had', async () => {
    const alice = await userWithEvents(1)
    const bob = await newUser(database)
    // Bob's position made equal to Alice's (positions are per user): replay stays Bob's.
    await database.db.execute(
      sql`insert into sync_position (user_id, position) values (${bob}, ${alice.events[0]?.id}::bigint)`,
    )
    await insertTask(database, alice.userId, 'alice after')
    await insertTask(database, bob, 'bob after')
    const stream = await watch(feed, bob, alice.events[0]?.id)
    assert.deepEqual(kinds(stream.backlog), ['task.created'])
    assert.equal(taskIn(stream.backlog[0]).user_id, bob)
    stream.close()
  })

  it('prunes what no stream can resume from, and keeps what one can', async () => {
    const { userId, events } = await userWithEvents(MAX_EVENTS + 3)
    const cleanup = createCleanup({
      db: database.db,
      config: {
        sessionMaxAgeSeconds: 86_400,
        auditRetentionDays: 30,
        cleanupIntervalSeconds: 3600,
        sync: { replaySeconds: 600, replayMaxEvents: MAX_EVENTS },
      },
      log: createLogger('silent'),
    })
    await cleanup.runOnce()
    const kept = await database.db.execute(
      sql`select position::text as id from sync_event where user_id = ${userId} order by position`,
    )
    const keptIds = (kept as unknown as { rows: { id: string }[] }).rows.map((r) => r.id)
    assert.deepEqual(
      keptIds,
      events.slice(3).map((e) => e.id),
      'the latest MAX_EVENTS',
    )
    const resumed = await watch(feed, userId, events[2]?.id)
    assert.deepEqual(resumed.backlog, events.slice(3), 'resumes after the event just before the kept ones')
    resumed.close()
    const gone = await watch(feed, userId, events[1]?.id)
    assert.deepEqual(kinds(gone.backlog), ['resync'])
    assert.equal(gone.backlog[0]?.data.reason, 'too_old')
    gone.close()

    await ageEvents(userId, 601)
    await cleanup.runOnce()
    const left = await database.db.execute(sql`select position from sync_event where user_id = ${userId}`)
    assert.equal((left as unknown as { rows: unknown[] }).rows.length, 0, 'all too old')
    const quiet = await watch(feed, userId, events.at(-1)?.id)
    assert.deepEqual(quiet.backlog, [], 'the newest position still resumes, with nothing to replay')
    quiet.close()
  })
})

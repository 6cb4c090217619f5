/**
 * Helpers of the live-sync feed tests (src/sync/feed.ts, decision 030): feeds on the test
 * databases, users and tasks written with plain SQL (as an operator would; the API's own writes
 * are tested through the app), and a stream's view of its events.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import type { Database } from '../../src/db/client.js'
import { user } from '../../src/db/schema.js'
import { createLogger } from '../../src/http/logger.js'
import { createFeed, type Feed, type OpenedFeed, type SyncEvent } from '../../src/sync/feed.js'
import type { TaskJson } from '../../src/tasks/schemas.js'

/** API.md: every event reaches every open stream within 1 s of the write's response. */
export const DELIVERY_MS = 1_000

export type FeedOptions = { replaySeconds?: number; replayMaxEvents?: number; sweepMs?: number }

/**
 * A started feed on `database` (the API's defaults unless told); close it when done. Its sweep for
 * unannounced events waits an hour unless told, so that only a test of the sweep sees it deliver.
 */
export async function startFeed(database: Database, options: FeedOptions = {}): Promise<Feed> {
  const feed = createFeed({
    database,
    log: createLogger('silent'),
    replaySeconds: options.replaySeconds ?? 600,
    replayMaxEvents: options.replayMaxEvents ?? 1000,
    sweepMs: options.sweepMs ?? 3_600_000,
  })
  await feed.start()
  return feed
}

/** A user row of its own (tests stay apart by using fresh users). */
export async function newUser(database: Database): Promise<string> {
  const id = randomUUID()
  await database.db.insert(user).values({ id, name: 'Feed', email: `${id}@example.com` })
  return id
}

/** Inserts a task with plain SQL; its id. */
export async function insertTask(database: Database, userId: string, title = 'A task'): Promise<string> {
  const id = randomUUID()
  await database.db.execute(
    sql`insert into task (id, user_id, title, created_at, updated_at) values (${id}, ${userId}, ${title}, now(), now())`,
  )
  return id
}

/** What one stream was given: ready id, backlog, then live events as they come. */
export type Watched = OpenedFeed & {
  live: SyncEvent[]
  /** Backlog then live events, as the stream would write them. */
  all(): SyncEvent[]
  /** Waits until `count` live events arrived (at most DELIVERY_MS unless told), and returns them. */
  until(count: number, ms?: number): Promise<SyncEvent[]>
}

export async function watch(feed: Feed, userId: string, lastEventId?: string): Promise<Watched> {
  const live: SyncEvent[] = []
  const opened = await feed.open(userId, lastEventId, (event) => live.push(event))
  return {
    ...opened,
    live,
    all: () => [...opened.backlog, ...live],
    async until(count, ms = DELIVERY_MS) {
      const deadline = Date.now() + ms
      while (live.length < count && Date.now() < deadline) await sleep(10)
      assert.ok(
        live.length >= count,
        `${live.length} of ${count} events within ${ms} ms: ${JSON.stringify(live.map((e) => e.event))}`,
      )
      return live.slice(0, count)
    },
  }
}

/** Waits a while in which nothing should arrive (for "sends nothing" checks). */
export const quietPeriod = () => sleep(DELIVERY_MS / 2)

/** The kinds of events, in order. */
export const kinds = (events: SyncEvent[]) => events.map((e) => e.event)

/** Ids are opaque, but later ones are later: they compare as numbers of the same form. */
export function assertIncreasing(events: SyncEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    const [before, after] = [BigInt(events[i - 1]?.id ?? ''), BigInt(events[i]?.id ?? '')]
    assert.ok(after > before, `ids go up: ${events[i - 1]?.id} then ${events[i]?.id}`)
  }
}

/** The task a task.created or task.updated carries. */
export const taskIn = (event: SyncEvent | undefined): TaskJson => (event?.data.task ?? {}) as TaskJson

/**
 * A search run a slice of the account at a time (tasks/search-slices.ts, what PGlite does with
 * large accounts) finds the same page, in the same order, with the same next cursor, as the
 * search in one statement: for every sort and order, with ties, with tasks without a due date,
 * and page after page.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { sql } from 'drizzle-orm'
import type { Db } from '../../src/db/client.js'
import { type ListOptions, listTasks } from '../../src/tasks/queries.js'
import { SORTS } from '../../src/tasks/schemas.js'
import { describeEachDriver, testDatabase } from '../support/harness.js'

const TASKS = 83
/** Small slices, so that a search crosses many of them and every edge case of one. */
const SLICE = { rows: 7, between: () => new Promise<void>((resolve) => setImmediate(resolve)) }

/** A user with tasks of repeated titles, priorities, creation times and due dates (some none). */
async function userWithTasks(db: Db): Promise<string> {
  const userId = `slices-${Math.random().toString(36).slice(2)}`
  await db.execute(sql`insert into "user" (id, name, email) values (${userId}, 'S', ${`${userId}@example.com`})`)
  await db.execute(sql`
    insert into task (id, user_id, title, description, priority, tags, due_at, created_at, updated_at)
    select ${userId} || '-' || lpad(g::text, 3, '0'), ${userId}, 'Task ' || (g % 9), case when g % 4 = 0 then 'milk' else 'bread' end,
           g % 3, '{}', case when g % 5 = 0 then null else timestamptz '2027-01-01' + (g % 6) * interval '1 day' end,
           timestamptz '2026-01-01' + (g / 3) * interval '1 minute', timestamptz '2026-06-01' + (g % 10) * interval '1 hour'
    from generate_series(1, ${TASKS}) g`)
  return userId
}

/** Every page of a search, following next_cursor, with or without slices. */
async function everyPage(db: Db, userId: string, options: ListOptions, sliced: boolean) {
  const pages: { ids: string[]; next: unknown }[] = []
  let cursor = options.cursor
  for (let i = 0; i < 100; i++) {
    const { rows, next } = await listTasks(
      db,
      userId,
      { ...options, cursor },
      sliced ? { searchSlice: SLICE } : undefined,
    )
    pages.push({ ids: rows.map((r) => r.id), next })
    if (!next) return pages
    cursor = next
  }
  throw new Error('paging did not end')
}

describeEachDriver('a search in slices', (driver) => {
  it('gives the pages of the search in one statement, for every sort and order', async () => {
    const { db } = await testDatabase(driver)
    const userId = await userWithTasks(db)
    for (const q of ['task', 'milk', 'Task 3', 'nothing']) {
      for (const sort of SORTS) {
        for (const order of ['asc', 'desc'] as const) {
          const options: ListOptions = { status: 'all', q, sort, order, limit: 10, cursor: undefined }
          const expected = await everyPage(db, userId, options, false)
          const sliced = await everyPage(db, userId, options, true)
          assert.deepEqual(sliced, expected, `q=${q} sort=${sort} order=${order}`)
        }
      }
    }
    const all = await everyPage(
      db,
      userId,
      { status: 'all', q: 'task', sort: 'title', order: 'asc', limit: 100, cursor: undefined },
      true,
    )
    assert.equal(all.flatMap((p) => p.ids).length, TASKS, 'every task, once')
  })

  it('keeps the other filters', async () => {
    const { db } = await testDatabase(driver)
    const userId = await userWithTasks(db)
    const options: ListOptions = {
      status: 'all',
      q: 'bread',
      priority: 'high',
      due_after: new Date('2027-01-03T00:00:00Z'),
      sort: 'due_at',
      order: 'asc',
      limit: 5,
      cursor: undefined,
    }
    assert.deepEqual(await everyPage(db, userId, options, true), await everyPage(db, userId, options, false))
  })
})

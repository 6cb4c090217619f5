/**
 * The task-list cache's own accounting (decision 010), on a real database (PGlite, and the
 * PostgreSQL of TEST_DATABASE_URL when set): what it holds, for which version, and how it stays
 * within its memory budget. That a page is never stale across instances (and across a restore)
 * is tested over HTTP in test/tasks/list-cache.test.ts.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { sql } from 'drizzle-orm'
import { describeEachDriver, testDatabase } from '../../test/support/harness.js'
import type { Db } from '../db/client.js'
import { createListCache, pageKey } from './list-cache.js'

/** What a page of `chars` characters costs (UTF-16, plus 256 bytes for its key and entry). */
const cost = (chars: number) => chars * 2 + 256

describeEachDriver('the task-list cache', (driver) => {
  let db: Db
  before(async () => {
    db = (await testDatabase(driver)).db
  })

  it('reads the version the database holds for the user, 0 for one who never wrote', async () => {
    const user = `unit-${driver}-${Date.now()}`
    const cache = createListCache(db, 1_000_000)
    assert.equal(await cache.version(user), 0)
    await db.execute(sql`insert into task_list_version (user_id, version) values (${user}, 1796617041866123)`)
    assert.equal(
      await cache.version(user),
      1796617041866123,
      'a version is an instant in microseconds (migration 0006)',
    )
    await db.execute(sql`delete from task_list_version where user_id = ${user}`)
  })

  it('holds no more than its memory budget, dropping the least recently used users first', () => {
    const cache = createListCache(db, 10_000)
    const page = 'x'.repeat(1_000) // 2,000 bytes as UTF-16
    for (let i = 0; i < 20; i++) cache.set(`user-${i}`, 1, 'k', page)
    assert.ok(cache.size() <= 10_000, `holds ${cache.size()} bytes`)
    assert.equal(cache.get('user-19', 1, 'k'), page, 'the newest stays')
    assert.equal(cache.get('user-0', 1, 'k'), undefined, 'the oldest went first')
    assert.equal(cache.get('user-19', 2, 'k'), undefined, 'a page of an older version is never served')
  })

  it('counts each page with its overhead, and a replaced page only once', () => {
    const cache = createListCache(db, 1_000_000)
    cache.set('ann', 1, 'a', 'x'.repeat(100))
    cache.set('ann', 1, 'b', 'y'.repeat(50))
    assert.equal(cache.size(), cost(100) + cost(50))
    cache.set('ann', 1, 'a', 'z'.repeat(10))
    assert.equal(cache.size(), cost(10) + cost(50))
    assert.equal(cache.get('ann', 1, 'a'), 'z'.repeat(10))
  })

  it('a read of a user who was read again is kept over one who was not', () => {
    const cache = createListCache(db, 3 * cost(1_000))
    const page = 'x'.repeat(1_000)
    cache.set('ann', 1, 'k', page)
    cache.set('bob', 1, 'k', page)
    cache.set('cat', 1, 'k', page)
    assert.equal(cache.get('ann', 1, 'k'), page) // ann is now the most recently used
    cache.set('dan', 1, 'k', page)
    assert.equal(cache.get('bob', 1, 'k'), undefined, 'bob was the least recently used')
    assert.equal(cache.get('ann', 1, 'k'), page)
  })

  it('a newer version drops every page of the older one, and an older one is not stored', () => {
    const cache = createListCache(db, 1_000_000)
    cache.set('ann', 1, 'a', 'one')
    cache.set('ann', 1, 'b', 'two')
    cache.set('ann', 2, 'a', 'three')
    assert.equal(cache.get('ann', 2, 'b'), undefined)
    assert.equal(cache.get('ann', 2, 'a'), 'three')
    assert.equal(cache.size(), cost(5))
    cache.set('ann', 1, 'c', 'stale')
    assert.equal(cache.get('ann', 2, 'c'), undefined, 'built from older data than what is held')
    assert.equal(cache.get('ann', 1, 'a'), undefined, 'asking with an older version drops the user')
    assert.equal(cache.size(), 0)
  })

  it('keeps at most 32 pages per user, dropping the oldest', () => {
    const cache = createListCache(db, 10_000_000)
    for (let i = 0; i < 33; i++) cache.set('ann', 1, `page-${i}`, `body ${i}`)
    assert.equal(cache.get('ann', 1, 'page-0'), undefined)
    assert.equal(cache.get('ann', 1, 'page-32'), 'body 32')
    assert.equal(cache.get('ann', 1, 'page-1'), 'body 1')
  })

  it('holds nothing with a budget of 0, and no page over 256 KiB', () => {
    const off = createListCache(db, 0)
    off.set('ann', 1, 'k', 'x')
    assert.equal(off.size(), 0)
    const cache = createListCache(db, 10_000_000)
    cache.set('ann', 1, 'big', 'x'.repeat(128 * 1024))
    assert.equal(cache.get('ann', 1, 'big'), undefined)
    assert.equal(cache.size(), 0)
  })
})

describe('pageKey', () => {
  it('is a fixed-size digest of the query, the same for the same query', () => {
    const short = pageKey({ status: 'all', limit: 50 })
    const long = pageKey({ q: 'x'.repeat(10_000) })
    assert.equal(short.length, 44)
    assert.equal(long.length, 44)
    assert.equal(pageKey({ status: 'all', limit: 50 }), short)
    assert.notEqual(pageKey({ status: 'open', limit: 50 }), short)
  })
})

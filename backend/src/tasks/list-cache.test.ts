/**
 * The task-list cache's own accounting (decision 010), without a database: what it holds,
 * for which version, and how it stays within its memory budget. That a page is never stale
 * across instances is tested over HTTP in test/tasks/list-cache.test.ts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Db } from '../db/client.js'
import { createListCache, pageKey } from './list-cache.js'

/** Enough of a Db for the cache to prepare its version query; these tests never run it. */
const noDb = {
  select: () => ({ from: () => ({ where: () => ({ prepare: () => ({ execute: async () => [] }) }) }) }),
} as unknown as Db

/** What a page of `chars` characters costs (UTF-16, plus 256 bytes for its key and entry). */
const cost = (chars: number) => chars * 2 + 256

describe('the task-list cache', () => {
  it('holds no more than its memory budget, dropping the least recently used users first', () => {
    const cache = createListCache(noDb, 10_000)
    const page = 'x'.repeat(1_000) // 2,000 bytes as UTF-16
    for (let i = 0; i < 20; i++) cache.set(`user-${i}`, 1, 'k', page)
    assert.ok(cache.size() <= 10_000, `holds ${cache.size()} bytes`)
    assert.equal(cache.get('user-19', 1, 'k'), page, 'the newest stays')
    assert.equal(cache.get('user-0', 1, 'k'), undefined, 'the oldest went first')
    assert.equal(cache.get('user-19', 2, 'k'), undefined, 'a page of an older version is never served')
  })

  it('counts each page with its overhead, and a replaced page only once', () => {
    const cache = createListCache(noDb, 1_000_000)
    cache.set('ann', 1, 'a', 'x'.repeat(100))
    cache.set('ann', 1, 'b', 'y'.repeat(50))
    assert.equal(cache.size(), cost(100) + cost(50))
    cache.set('ann', 1, 'a', 'z'.repeat(10))
    assert.equal(cache.size(), cost(10) + cost(50))
    assert.equal(cache.get('ann', 1, 'a'), 'z'.repeat(10))
  })

  it('a read of a user who was read again is kept over one who was not', () => {
    const cache = createListCache(noDb, 3 * cost(1_000))
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
    const cache = createListCache(noDb, 1_000_000)
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
    const cache = createListCache(noDb, 10_000_000)
    for (let i = 0; i < 33; i++) cache.set('ann', 1, `page-${i}`, `body ${i}`)
    assert.equal(cache.get('ann', 1, 'page-0'), undefined)
    assert.equal(cache.get('ann', 1, 'page-32'), 'body 32')
    assert.equal(cache.get('ann', 1, 'page-1'), 'body 1')
  })

  it('holds nothing with a budget of 0, and no page over 256 KiB', () => {
    const off = createListCache(noDb, 0)
    off.set('ann', 1, 'k', 'x')
    assert.equal(off.size(), 0)
    const cache = createListCache(noDb, 10_000_000)
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

/**
 * One user cannot grow the task-list cache past what it accounts for; more than 10 tags is 422.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { expectStatus } from '../support/expectations.js'
import { describeWithApp } from '../support/harness.js'

describeWithApp('task-list cache bounds', { TASK_LIST_CACHE_MB: '1' }, (t) => {
  /** Ten distinct tags of 32 characters each (the most a task can have). */
  const TEN_TAGS = Array.from({ length: 10 }, (_, j) => `${j}${'€'.repeat(31)}`)
  /**
   * A valid list query of a few KB (the characters are percent-encoded three-byte ones),
   * different for each `i`: the longest `q` and the most tags there may be.
   */
  const longQuery = (i: number) => {
    const q = `${i}-${'€'.repeat(200)}`.slice(0, 200)
    return `q=${encodeURIComponent(q)}&${TEN_TAGS.map((tag) => `tag=${encodeURIComponent(tag)}`).join('&')}`
  }

  it('many list requests with distinct long queries: the cache accounts for the keys of the pages it holds, and stays within its budget', async () => {
    const s = await t.signup()
    const cache = t.services.listCache
    // What the list route hands the cache, to check afterwards which of it is still held.
    const stored: { key: string; body: string }[] = []
    const set = cache.set
    cache.set = (userId, version, key, body) => {
      if (userId === s.user.id) stored.push({ key, body })
      set.call(cache, userId, version, key, body)
    }
    const requests = 300
    let queryBytes = 0
    try {
      for (let i = 0; i < requests; i++) {
        const query = longQuery(i)
        queryBytes += query.length
        const res = await t.get(`/api/${s.user.id}/tasks?${query}`, s.token)
        await expectStatus(res, 200, `list request ${i + 1}`)
      }
    } finally {
      cache.set = set
    }
    assert.ok(queryBytes / requests > 3_000, `the queries average ${Math.round(queryBytes / requests)} bytes`)
    assert.equal(stored.length, requests, 'each distinct query was a page of its own for the cache')

    const version = await cache.version(s.user.id)
    const held = stored.filter((page) => cache.get(s.user.id, version, page.key) !== undefined)
    const keyChars = held.reduce((sum, page) => sum + page.key.length, 0)
    const bodyChars = held.reduce((sum, page) => sum + page.body.length, 0)
    assert.ok(
      cache.size() <= t.config.taskListCacheBytes,
      `accounted ${cache.size()} bytes, over the budget of ${t.config.taskListCacheBytes}`,
    )
    assert.ok(
      cache.size() >= keyChars + bodyChars,
      `the cache holds ${held.length} of this user's pages, whose keys alone are ${keyChars} characters ` +
        `(and bodies ${bodyChars}), but accounts for only ${cache.size()} bytes in all`,
    )
  })

  it(`a list request with more than 10 tags is 422 on tag; 10 are fine`, async () => {
    const s = await t.signup()
    const tags = (n: number) => Array.from({ length: n }, (_, j) => `tag=t${j}`).join('&')
    await expectStatus(await t.get(`/api/${s.user.id}/tasks?${tags(10)}`, s.token), 200, '10 tags')
    await assertProblem(await t.get(`/api/${s.user.id}/tasks?${tags(11)}`, s.token), 422, {
      fields: ['tag'],
      what: '11 tags',
    })
    await assertProblem(await t.get(`/api/${s.user.id}/tasks?${tags(300)}`, s.token), 422, {
      fields: ['tag'],
      what: '300 tags',
    })
  })
})

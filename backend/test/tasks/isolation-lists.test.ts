/**
 * A task list never shows another user's tasks, under any filter, search, tag, sort or cursor.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeWithApp } from '../support/harness.js'
import { annAndBob, credential, describeEachCredential, type Page, send } from './isolation-support.js'

describeWithApp('task isolation between users', {}, (t) => {
  describeEachCredential((kind) => {
    it("never shows Ann Bob's tasks (or Bob Ann's) under any filter, search, tag, sort or cursor", async () => {
      const { marker, ann, bob, annTasks, bobTasks } = await annAndBob(t)
      const annIds = new Set(annTasks.map((x) => x.id))
      const bobIds = new Set(bobTasks.map((x) => x.id))
      const queries = [
        '',
        'status=all',
        'status=pending',
        'status=completed',
        `q=${encodeURIComponent(`Bob's secret plan ${marker}`)}`,
        `q=${marker}`,
        'q=secret',
        'q=surprise',
        'q=shared',
        'q=bob',
        'tag=shared',
        'tag=surprise',
        'tag=surprise&tag=shared',
        'tag=bob-only',
        'priority=high',
        'priority=medium',
        'priority=low',
        'due_before=2027-01-01T00:00:00Z',
        'due_after=2026-01-01T00:00:00Z',
        ...['created_at', 'updated_at', 'due_at', 'priority', 'title'].flatMap((sort) => [
          `sort=${sort}&order=asc`,
          `sort=${sort}&order=desc`,
        ]),
      ]
      for (const [who, own, others] of [
        [ann, annIds, bobIds],
        [bob, bobIds, annIds],
      ] as const) {
        const h = credential(who, kind)
        for (const query of queries) {
          // One page of everything, and one task per page following the cursor.
          for (const limit of [100, 1]) {
            let cursor: string | null = null
            const seen: string[] = []
            do {
              const path: string = `/api/${who.user.id}/tasks?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`
              const res = await send(t, h, 'GET', path)
              assert.equal(res.status, 200, `${query}: ${res.status}`)
              const page = (await res.json()) as Page
              for (const item of page.items) {
                assert.equal(item.user_id, who.user.id, `${query}: another user's task`)
                assert.ok(own.has(item.id) && !others.has(item.id), `${query}: a task not of ${who.user.name}`)
                seen.push(item.id)
              }
              cursor = page.next_cursor
            } while (cursor)
            assert.equal(new Set(seen).size, seen.length, `${query}: no task twice`)
          }
        }
      }
      // Ann searching for Bob's title, word for word, finds nothing.
      const search = await send(
        t,
        credential(ann, kind),
        'GET',
        `/api/${ann.user.id}/tasks?q=${encodeURIComponent(bobTasks[0]?.title ?? '')}`,
      )
      assert.deepEqual(((await search.json()) as Page).items, [])
      const onlyBobs = await send(t, credential(ann, kind), 'GET', `/api/${ann.user.id}/tasks?tag=bob-only`)
      assert.deepEqual(((await onlyBobs.json()) as Page).items, [])
    })
  })
})

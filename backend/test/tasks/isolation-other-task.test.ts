/**
 * Another user's task is 404 on one's own path, as a task that does not exist; another user's
 * cursor pages only through one's own tasks.
 */

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { it } from 'node:test'
import { readProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import {
  annAndBob,
  credential,
  describeEachCredential,
  everything,
  type Page,
  type Route,
  secretsOf,
  send,
  taskRoutes,
} from './isolation-support.js'

describeWithApp('task isolation between users', {}, (t) => {
  describeEachCredential((kind) => {
    it("gives Bob 404 for Ann's task on his own path, as for a task that does not exist", async () => {
      const { ann, bob, annTasks } = await annAndBob(t)
      const annBefore = await everything(t, ann)
      const h = credential(bob, kind)
      const secrets = secretsOf(ann, annTasks).filter((s) => s !== ann.user.id)
      for (const annTask of annTasks) {
        const mine = taskRoutes(bob.user.id, annTask.id)
        const missing = taskRoutes(bob.user.id, randomUUID())
        assert.equal(mine.length, 6, 'read, replace, patch, delete, toggle and set completion')
        for (const [i, route] of mine.entries()) {
          const res = await send(t, h, route.method, route.path, route.body)
          const text = await res.clone().text()
          assert.equal(res.status, 404, `${route.name}: ${res.status} ${text}`)
          const body = await readProblem(res)
          for (const secret of secrets) assert.ok(!text.includes(secret), `${route.name}: leaks ${secret}`)
          const twin = missing[i] as Route
          const other = await send(t, h, twin.method, twin.path, twin.body)
          assert.equal(other.status, 404)
          assert.deepEqual(await other.json(), body, `${route.name}: the same answer as for a missing task`)
        }
      }
      assert.deepEqual(await everything(t, ann), annBefore, "Ann's tasks are unchanged")
      const bobs = await everything(t, bob)
      assert.equal(bobs.length, 3)
      for (const item of bobs) assert.equal(item.user_id, bob.user.id)
    })

    it("lets Bob use a cursor from Ann's list only to page through his own tasks", async () => {
      const { ann, bob, annTasks, bobTasks } = await annAndBob(t)
      const bobIds = new Set(bobTasks.map((x) => x.id))
      const annIds = new Set(annTasks.map((x) => x.id))
      for (const [sort, order] of [
        ['created_at', 'desc'],
        ['created_at', 'asc'],
        ['title', 'asc'],
        ['due_at', 'asc'],
        ['priority', 'desc'],
        ['updated_at', 'desc'],
      ]) {
        const first = await send(
          t,
          credential(ann, kind),
          'GET',
          `/api/${ann.user.id}/tasks?sort=${sort}&order=${order}&limit=1`,
        )
        const annCursor = ((await first.json()) as Page).next_cursor
        assert.ok(annCursor, `${sort} ${order}: Ann has a second page`)
        let cursor: string | null = annCursor
        const seen: string[] = []
        while (cursor) {
          const path: string = `/api/${bob.user.id}/tasks?sort=${sort}&order=${order}&limit=1&cursor=${cursor}`
          const res = await send(t, credential(bob, kind), 'GET', path)
          assert.equal(res.status, 200, `${sort} ${order}: ${res.status}`)
          const page = (await res.json()) as Page
          for (const item of page.items) {
            assert.equal(item.user_id, bob.user.id)
            assert.ok(bobIds.has(item.id) && !annIds.has(item.id), `${sort} ${order}: only Bob's tasks`)
            seen.push(item.id)
          }
          cursor = page.next_cursor
        }
        assert.equal(new Set(seen).size, seen.length)
        // On Ann's path the same cursor gets Bob nothing but 403.
        const theirs = await send(
          t,
          credential(bob, kind),
          'GET',
          `/api/${ann.user.id}/tasks?sort=${sort}&order=${order}&limit=1&cursor=${annCursor}`,
        )
        assert.equal(theirs.status, 403)
      }
    })
  })
})

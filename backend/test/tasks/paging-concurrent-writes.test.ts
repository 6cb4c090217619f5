/**
 * Paging a task list while other requests add and delete tasks: every task exactly once.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { describeWithApp } from '../support/harness.js'
import { ids, type Page, sorted, type Task, tasksOf } from './support.js'

describeWithApp('task pagination under concurrent writes', {}, (t) => {
  for (const order of ['desc', 'asc'] as const) {
    it(`visits every surviving task exactly once (created_at ${order}) while tasks are added and deleted`, async () => {
      const api = tasksOf(t, await t.signup())
      const initial: Task[] = []
      for (let i = 0; i < 30; i++) initial.push(await api.create({ title: `task ${String(i).padStart(2, '0')}` }))
      const initialIds = new Set(ids(initial))

      const visits = new Map<string, number>()
      const deleted = new Set<string>()
      const added = new Set<string>()
      let paging = true
      let pages = 0
      let step = 0
      let writing = true

      const pager = (async () => {
        try {
          let cursor: string | null = null
          do {
            const page: Page = await api.page({ sort: 'created_at', order, limit: 5, ...(cursor ? { cursor } : {}) })
            for (const item of page.items) visits.set(item.id, (visits.get(item.id) ?? 0) + 1)
            cursor = page.next_cursor
            pages++
            // The writer takes a step between any two pages, however the machine schedules them.
            const seen = step
            while (step === seen && writing) await sleep(5)
          } while (cursor)
        } finally {
          paging = false
        }
      })()

      const writer = (async () => {
        try {
          while (paging && step < 40) {
            step++
            if (step % 2 === 1 && added.size < 12) {
              added.add((await api.create({ title: `added ${step}` })).id)
            } else {
              const victims = [...initialIds].filter((id) => !visits.has(id) && !deleted.has(id))
              const victim = victims[Math.floor(Math.random() * victims.length)]
              if (!victim) continue
              deleted.add(victim)
              const res = await api.send('DELETE', `/${victim}`)
              assert.equal(res.status, 204)
            }
          }
        } finally {
          writing = false
        }
      })()

      await Promise.all([pager, writer])
      assert.ok(pages >= 2, 'more than one page')
      assert.ok(deleted.size > 0 && added.size > 0, 'writes happened while paging')

      for (const [id, count] of visits) assert.equal(count, 1, `task ${id} visited ${count} times`)
      for (const id of initialIds) {
        if (!deleted.has(id)) assert.equal(visits.get(id), 1, `surviving task ${id} visited exactly once`)
      }
      for (const id of visits.keys()) {
        assert.ok(initialIds.has(id) || added.has(id), 'only tasks of this user')
      }
      // Afterwards the list is exactly the survivors plus the additions.
      const expected = [...initialIds].filter((id) => !deleted.has(id)).concat([...added])
      assert.deepEqual(sorted(ids(await api.all({ sort: 'created_at', order }, 5))), sorted(expected))
    })
  }
})

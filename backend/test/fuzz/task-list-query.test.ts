/**
 * Fuzzing task-list query strings: no 5xx, and only the caller's tasks.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import type { SignedIn } from '../support/harness.js'
import { annAndBobWithATask, auth, base, createTask, describeFuzzing, rowsOf, send, show } from './app.js'
import { around, PROTO_KEYS, text } from './arbitraries.js'
import { assertTaskInvariants, assertWellFormed, PRIORITIES, type Task } from './checks.js'
import { fuzz, RUNS } from './run.js'

describeFuzzing((t) => {
  describe('tasks', () => {
    before(async () => {
      await annAndBobWithATask()
    })

    describe('list query strings', () => {
      let carol: SignedIn
      let all: Task[]
      const WORDS = ['alpha', 'Beta', 'gamma_1', '50% off', 'delta', 'back\\slash']
      const TAGS = ['home', 'work', 'x', 'urgent']
      before(async () => {
        carol = await t.signup()
        for (let i = 0; i < 24; i++) {
          const task = await createTask(carol, {
            title: `${WORDS[i % WORDS.length]} ${i}`,
            description: i % 4 === 0 ? `about ${WORDS[(i + 1) % WORDS.length]}` : '',
            priority: PRIORITIES[i % 3],
            tags: TAGS.filter((_, k) => (i >> k) & 1),
            due_at: i % 5 === 0 ? null : new Date(Date.UTC(2030, 0, 1 + i * 3)).toISOString(),
          })
          if (i % 3 === 1) {
            const done = await send({
              method: 'PATCH',
              path: `${base(carol)}/${task.id}/complete`,
              headers: auth(carol),
            })
            assert.equal(done.status, 200, done.text)
          }
        }
        const a = await send({ method: 'GET', path: `${base(carol)}?limit=100`, headers: auth(carol) })
        all = (JSON.parse(a.text) as { items: Task[] }).items
        assert.equal(all.length, 24)
      })

      const KNOWN = ['status', 'q', 'priority', 'tag', 'due_before', 'due_after', 'sort', 'order', 'limit', 'cursor']
      const queryValue = fc.oneof(
        { weight: 3, arbitrary: text(20) },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            'all',
            'pending',
            'completed',
            'low',
            'HIGH',
            'created_at',
            'priority',
            'title',
            'asc',
            'DESC',
            '0',
            '1',
            '100',
            '101',
            '-1',
            '1e2',
            '0x10',
            ' 5',
            '5.0',
            '007',
            'NaN',
            '2030-01-01T00:00:00Z',
            '2030-01-01',
            'home',
            '%',
            '_',
            '',
            'eyJhIjoxfQ',
            'WyJjcmVhdGVkX2F0IiwiZGVzYyIsbnVsbCwieCJd',
          ),
        },
        { weight: 1, arbitrary: fc.base64String({ maxLength: 80 }) },
        { weight: 1, arbitrary: around(200) },
      )
      const queryKey = fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...KNOWN) },
        { weight: 1, arbitrary: fc.constantFrom(...PROTO_KEYS, 'tag[]', 'STATUS', 'user_id', 'limit ') },
        { weight: 1, arbitrary: text(10) },
      )
      const rawQuery = fc.oneof(
        // Pairs, keys repeating freely, encoded as a browser would.
        {
          weight: 6,
          arbitrary: fc
            .array(fc.tuple(queryKey, queryValue), { maxLength: 6 })
            .map((pairs) => new URLSearchParams(pairs).toString()),
        },
        // A dictionary of random keys and values.
        {
          weight: 2,
          arbitrary: fc
            .dictionary(queryKey, queryValue, { maxKeys: 5 })
            .map((d) => new URLSearchParams(Object.entries(d)).toString()),
        },
        // Raw text: broken escapes, bare separators, encoded NUL and surrogates.
        {
          weight: 2,
          arbitrary: fc
            .array(
              fc.oneof(
                fc.constantFrom('%', '%zz', '%00', '%ED%A0%80', '%C0%AF', '&', '=', '==', '+', '&&', ';', '[]', '%2'),
                fc.constantFrom(...KNOWN).map((k) => `${k}=`),
                fc.string({ unit: 'grapheme-ascii', maxLength: 8 }).map(encodeURIComponent),
              ),
              { maxLength: 10 },
            )
            .map((parts) => parts.join('')),
        },
      )

      it('GET tasks?…: any query string → no 5xx, a 200 lists only own tasks, a 4xx is a 422', async () => {
        const rowsBefore = await rowsOf(carol.user.id)
        await fuzz(
          fc.asyncProperty(rawQuery, async (query) => {
            const req = { method: 'GET', path: `${base(carol)}?${query}`, headers: auth(carol) }
            const a = await send(req)
            const where = show(req)
            assertWellFormed(a, where)
            if (a.status >= 400) {
              assert.equal(a.status, 422, `bad parameters are a 422: ${where}`)
              return
            }
            assert.equal(a.status, 200, where)
            const page = JSON.parse(a.text) as { items: Task[]; next_cursor: string | null }
            assert.deepEqual(Object.keys(page).sort(), ['items', 'next_cursor'], where)
            assert.ok(page.next_cursor === null || typeof page.next_cursor === 'string', where)
            const limit = new URLSearchParams(query).get('limit')
            assert.ok(page.items.length <= (limit === null ? 50 : Number(limit)), `at most limit items: ${where}`)
            for (const item of page.items) {
              assertTaskInvariants(item, carol.user.id, where)
              assert.deepEqual(
                item,
                all.find((x) => x.id === item.id),
                `an own, unchanged task: ${where}`,
              )
            }
          }),
          2 * RUNS,
        )
        assert.deepEqual(await rowsOf(carol.user.id), rowsBefore, 'listing changes nothing')
      })

      it('GET tasks?…: any valid query is a 200 whose pages hold exactly the matching tasks, in order', async () => {
        const validQuery = fc.record(
          {
            status: fc.constantFrom('all', 'pending', 'completed'),
            q: fc.constantFrom('a', 'ALPHA', '%', '_', '\\', 'about', 'zzz', ' 1'),
            priority: fc.constantFrom(...PRIORITIES),
            tag: fc.uniqueArray(fc.constantFrom(...TAGS, 'HOME'), { minLength: 1, maxLength: 2 }),
            due_before: fc.constantFrom(
              '2030-02-15T00:00:00.000Z',
              '2030-03-01T00:00:00Z',
              '2030-01-20T12:00:00-05:00',
            ),
            due_after: fc.constantFrom('2030-01-10T00:00:00Z', '2030-01-10T02:00:00+02:00'),
            sort: fc.constantFrom('created_at', 'updated_at', 'due_at', 'priority', 'title'),
            order: fc.constantFrom('asc', 'desc'),
            limit: fc.integer({ min: 1, max: 100 }),
          },
          { requiredKeys: [] },
        )
        await fuzz(
          fc.asyncProperty(validQuery, async (query) => {
            const expected = all.filter((x) => {
              if (query.status === 'pending' && x.completed) return false
              if (query.status === 'completed' && !x.completed) return false
              if (query.q !== undefined) {
                const q = query.q.toLowerCase()
                if (!x.title.toLowerCase().includes(q) && !x.description.toLowerCase().includes(q)) return false
              }
              if (query.priority !== undefined && x.priority !== query.priority) return false
              if (query.tag?.some((tag) => !x.tags.includes(tag.toLowerCase()))) return false
              if (query.due_before !== undefined || query.due_after !== undefined) {
                if (x.due_at === null) return false
                const due = Date.parse(x.due_at)
                if (query.due_before !== undefined && !(due < Date.parse(query.due_before))) return false
                if (query.due_after !== undefined && !(due >= Date.parse(query.due_after))) return false
              }
              return true
            })
            const params = new URLSearchParams()
            for (const [key, value] of Object.entries(query)) {
              for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v))
            }
            const seen: Task[] = []
            let cursor: string | null = null
            for (let pages = 0; ; pages++) {
              assert.ok(pages <= 100, 'pagination ends')
              const page = new URLSearchParams(params)
              if (cursor) page.set('cursor', cursor)
              const req = { method: 'GET', path: `${base(carol)}?${page}`, headers: auth(carol) }
              const a = await send(req)
              assert.equal(a.status, 200, `${show(req)} → ${a.text}`)
              const body = JSON.parse(a.text) as { items: Task[]; next_cursor: string | null }
              assert.ok(body.items.length <= (query.limit ?? 50), show(req))
              seen.push(...body.items)
              cursor = body.next_cursor
              if (!cursor) break
            }
            const where = `?${params}`
            assert.deepEqual(seen.map((x) => x.id).sort(), expected.map((x) => x.id).sort(), `matching set: ${where}`)
            const sort = query.sort ?? 'created_at'
            if (sort !== 'title') {
              const key = (x: Task): number | null =>
                sort === 'priority'
                  ? PRIORITIES.indexOf(x.priority)
                  : x[sort] === null
                    ? null
                    : Date.parse(x[sort] as string)
              const sign = (query.order ?? 'desc') === 'asc' ? 1 : -1
              for (let i = 1; i < seen.length; i++) {
                const [p, c] = [key(seen[i - 1] as Task), key(seen[i] as Task)]
                if (p === null) assert.equal(c, null, `tasks without due_at sort last: ${where}`)
                else if (c !== null) assert.ok(sign * (c - p) >= 0, `sorted by ${sort}: ${where}`)
              }
            }
          }),
        )
      })
    })

    // -- Headers and paths ---------------------------------------------------------------
  })
})

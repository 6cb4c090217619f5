/**
 * The task API of API.md ("Task API", "Conventions") over HTTP, on a real server and database:
 * CRUD and completion, every validation bound on both sides, every list filter, sort and
 * the keyset cursor (also while other requests insert and delete), and the cascade from a
 * deleted user to their tasks.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { eq } from 'drizzle-orm'
import { task as taskTable, user as userTable } from '../src/db/schema.js'
import type { TaskJson } from '../src/tasks/schemas.js'
import { closeDatabases, drivers, problem, type SignedIn, startTestApp, type TestApp } from './support/harness.js'
import { TASK_KEYS } from './support/task-shape.js'

after(closeDatabases)

/** The wire shape, from the schema that produces it. */
type Task = TaskJson
type Page = { items: Task[]; next_cursor: string | null }
type Query = Record<string, string | number | string[]>

const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

type Body = { json: unknown } | { raw: string; type?: string } | undefined

/** A signed-in user's view of their own task API (bearer access token). */
function tasksOf(t: TestApp, who: SignedIn) {
  const base = `/api/${who.user.id}/tasks`
  const send = (method: string, path: string, body?: Body, headers: Record<string, string> = {}) => {
    const h: Record<string, string> = { authorization: `Bearer ${who.token}` }
    let payload: string | undefined
    if (body && 'json' in body) {
      h['content-type'] = 'application/json'
      payload = JSON.stringify(body.json)
    } else if (body) {
      if (body.type) h['content-type'] = body.type
      payload = body.raw
    }
    return t.fetch(base + path, { method, headers: { ...h, ...headers }, body: payload })
  }
  const api = {
    base,
    send,
    async create(input: Record<string, unknown>): Promise<Task> {
      const res = await send('POST', '', { json: input })
      assert.equal(res.status, 201, `create: ${res.status} ${await res.clone().text()}`)
      return (await res.json()) as Task
    },
    async read(id: string): Promise<Task> {
      const res = await send('GET', `/${id}`)
      assert.equal(res.status, 200, `read: ${res.status} ${await res.clone().text()}`)
      return (await res.json()) as Task
    },
    async ok(method: string, path: string, body?: Body): Promise<Task> {
      const res = await send(method, path, body)
      assert.equal(res.status, 200, `${method} ${path}: ${res.status} ${await res.clone().text()}`)
      return (await res.json()) as Task
    },
    list: (query: Query = {}) => send('GET', `?${queryString(query)}`),
    async page(query: Query = {}): Promise<Page> {
      const res = await api.list(query)
      assert.equal(res.status, 200, `list ${queryString(query)}: ${res.status} ${await res.clone().text()}`)
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
      return (await res.json()) as Page
    },
    /** Every task matching the query, following next_cursor page by page. */
    async all(query: Query = {}, limit = 100): Promise<Task[]> {
      const items: Task[] = []
      let cursor: string | null = null
      for (let pages = 0; pages < 1000; pages++) {
        const page: Page = await api.page({ ...query, limit, ...(cursor ? { cursor } : {}) })
        assert.ok(page.items.length <= limit)
        items.push(...page.items)
        cursor = page.next_cursor
        if (!cursor) return items
        assert.equal(page.items.length, limit, 'only the last page may be short')
      }
      throw new Error('pagination did not end')
    },
  }
  return api
}

function queryString(query: Query): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v))
  }
  return params.toString()
}

/** A refused request: status, problem document, and (for 422) the fields it names. */
async function assertProblem(res: Response, status: number, fields: string[] = [], what = '') {
  const text = await res.clone().text()
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status} ${text}`)
  const body = await problem(res)
  assert.equal(body.status, status, what)
  if (status === 422) {
    assert.ok(Array.isArray(body.errors) && body.errors.length > 0, `${what}: errors listed`)
    const named = body.errors.map((e) => e.field)
    for (const field of fields) {
      assert.ok(
        named.some((n) => n === field || n.startsWith(`${field}.`)),
        `${what}: expected an error for ${field}, got ${JSON.stringify(body.errors)}`,
      )
    }
    for (const e of body.errors) assert.equal(typeof e.message, 'string', what)
  }
  return body
}

const titles = (items: Task[]) => items.map((i) => i.title)
const ids = (items: Task[]) => items.map((i) => i.id)
const sorted = (list: string[]) => [...list].sort()

/** `items` in the given order of groups; within a group (a tie) any order. */
function assertGroups(items: Task[], groups: string[][], what: string) {
  assert.equal(items.length, groups.flat().length, `${what}: ${titles(items).join(', ')}`)
  let at = 0
  for (const group of groups) {
    const slice = titles(items.slice(at, at + group.length))
    assert.deepEqual(sorted(slice), sorted(group), `${what}: got ${titles(items).join(' | ')}`)
    at += group.length
  }
}

for (const driver of drivers()) {
  describe(`task CRUD and completion on ${driver}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver)
    })
    after(() => t?.close())

    it('creates a task with the full shape, the defaults and a Location that reads it back', async () => {
      const ann = await t.signup()
      const api = tasksOf(t, ann)
      const before = Date.now()
      const res = await api.send('POST', '', { json: { title: 'Buy milk' } })
      const afterCreate = Date.now()
      assert.equal(res.status, 201)
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
      const created = (await res.json()) as Task
      assert.deepEqual(Object.keys(created).sort(), TASK_KEYS)
      assert.equal(typeof created.id, 'string')
      assert.ok(created.id.length > 0)
      assert.equal(created.user_id, ann.user.id)
      assert.equal(created.title, 'Buy milk')
      assert.equal(created.description, '')
      assert.equal(created.priority, 'medium')
      assert.deepEqual(created.tags, [])
      assert.equal(created.due_at, null)
      assert.equal(created.completed, false)
      assert.equal(created.completed_at, null)
      assert.match(created.created_at, UTC_TIMESTAMP)
      assert.equal(created.updated_at, created.created_at)
      const createdMs = Date.parse(created.created_at)
      assert.ok(createdMs >= before - 1000 && createdMs <= afterCreate + 1000, 'created_at is the time of creation')

      const location = res.headers.get('location')
      assert.ok(location, 'a Location header')
      const viaLocation = await t.fetch(location, { headers: { authorization: `Bearer ${ann.token}` } })
      assert.equal(viaLocation.status, 200)
      assert.deepEqual(await viaLocation.json(), created)
      assert.deepEqual(await api.read(created.id), created)

      const other = await api.create({ title: 'Second' })
      assert.notEqual(other.id, created.id, 'each task gets its own id')
      assert.deepEqual(sorted(ids(await api.all())), sorted([created.id, other.id]))
    })

    it('stores every editable field given on create', async () => {
      const api = tasksOf(t, await t.signup())
      const created = await api.create({
        title: 'File taxes',
        description: 'Before the deadline',
        priority: 'high',
        tags: ['money', 'home'],
        due_at: '2026-12-01T17:00:00Z',
      })
      assert.equal(created.title, 'File taxes')
      assert.equal(created.description, 'Before the deadline')
      assert.equal(created.priority, 'high')
      assert.deepEqual(created.tags, ['money', 'home'])
      assert.equal(created.due_at, '2026-12-01T17:00:00.000Z')
      assert.deepEqual(await api.read(created.id), created)
    })

    it('PUT replaces the editable fields: omitted ones go back to their defaults', async () => {
      const api = tasksOf(t, await t.signup())
      const original = await api.create({
        title: 'Old',
        description: 'old text',
        priority: 'high',
        tags: ['a'],
        due_at: '2026-12-01T17:00:00Z',
      })
      const completed = await api.ok('PATCH', `/${original.id}/complete`)
      await sleep(5)

      const full = await api.ok('PUT', `/${original.id}`, {
        json: {
          title: 'New',
          description: 'new text',
          priority: 'low',
          tags: ['b', 'c'],
          due_at: '2027-01-02T03:04:05Z',
        },
      })
      assert.equal(full.title, 'New')
      assert.equal(full.description, 'new text')
      assert.equal(full.priority, 'low')
      assert.deepEqual(full.tags, ['b', 'c'])
      assert.equal(full.due_at, '2027-01-02T03:04:05.000Z')

      const replaced = await api.ok('PUT', `/${original.id}`, { json: { title: 'Only a title' } })
      assert.equal(replaced.title, 'Only a title')
      assert.equal(replaced.description, '')
      assert.equal(replaced.priority, 'medium')
      assert.deepEqual(replaced.tags, [])
      assert.equal(replaced.due_at, null)
      // Not editable, so not replaced.
      assert.equal(replaced.id, original.id)
      assert.equal(replaced.user_id, original.user_id)
      assert.equal(replaced.created_at, original.created_at)
      assert.equal(replaced.completed, true)
      assert.equal(replaced.completed_at, completed.completed_at)
      assert.ok(Date.parse(replaced.updated_at) > Date.parse(completed.updated_at), 'updated_at moves')
      assert.deepEqual(await api.read(original.id), replaced)

      await assertProblem(
        await api.send('PUT', `/${original.id}`, { json: { description: 'x' } }),
        422,
        ['title'],
        'PUT',
      )
      assert.deepEqual(await api.read(original.id), replaced, 'a PUT without a title changes nothing')
    })

    it('PATCH changes only the given fields and moves updated_at, not created_at', async () => {
      const api = tasksOf(t, await t.signup())
      const original = await api.create({
        title: 'Plan trip',
        description: 'Book trains',
        priority: 'high',
        tags: ['travel'],
        due_at: '2026-12-24T08:00:00Z',
      })
      await sleep(5)
      const patched = await api.ok('PATCH', `/${original.id}`, { json: { priority: 'low' } })
      assert.deepEqual(
        { ...patched, updated_at: original.updated_at },
        { ...original, priority: 'low' },
        'only priority changed',
      )
      assert.ok(Date.parse(patched.updated_at) > Date.parse(original.updated_at), 'updated_at moves')
      assert.equal(patched.created_at, original.created_at)

      await sleep(5)
      const cleared = await api.ok('PATCH', `/${original.id}`, { json: { due_at: null, tags: [] } })
      assert.deepEqual({ ...cleared, updated_at: patched.updated_at }, { ...patched, due_at: null, tags: [] })
      assert.ok(Date.parse(cleared.updated_at) > Date.parse(patched.updated_at))

      const renamed = await api.ok('PATCH', `/${original.id}`, {
        json: { title: '  Plan the trip  ', description: '' },
      })
      assert.equal(renamed.title, 'Plan the trip')
      assert.equal(renamed.description, '')
      assert.equal(renamed.priority, 'low')
      assert.deepEqual(await api.read(original.id), renamed)

      const empty = await assertProblem(await api.send('PATCH', `/${original.id}`, { json: {} }), 422, [], 'PATCH {}')
      assert.ok(empty.errors?.length)
      assert.deepEqual(await api.read(original.id), renamed, 'PATCH {} changes nothing')
    })

    it('DELETE removes the task: 204, then 404 for it on every route', async () => {
      const api = tasksOf(t, await t.signup())
      const doomed = await api.create({ title: 'Doomed' })
      const kept = await api.create({ title: 'Kept' })
      const res = await api.send('DELETE', `/${doomed.id}`)
      assert.equal(res.status, 204)
      assert.equal(await res.text(), '')

      await assertProblem(await api.send('GET', `/${doomed.id}`), 404)
      await assertProblem(await api.send('DELETE', `/${doomed.id}`), 404)
      await assertProblem(await api.send('PUT', `/${doomed.id}`, { json: { title: 'Back' } }), 404)
      await assertProblem(await api.send('PATCH', `/${doomed.id}`, { json: { title: 'Back' } }), 404)
      await assertProblem(await api.send('PATCH', `/${doomed.id}/complete`), 404)
      assert.deepEqual(ids(await api.all()), [kept.id])
    })

    it('gives 404 for a task id that never existed, on every route, whatever the id looks like', async () => {
      const api = tasksOf(t, await t.signup())
      // Path segments as sent: a UUID, other text, a NUL byte, an invalid UTF-8 byte, a long one.
      for (const id of [randomUUID(), 'not-a-uuid', 'x%00y', '%00', '%FF', '%E2%9C%93', 'a'.repeat(2000)]) {
        for (const [method, path, body] of [
          ['GET', `/${id}`, undefined],
          ['PUT', `/${id}`, { json: { title: 'x' } }],
          ['PATCH', `/${id}`, { json: { title: 'x' } }],
          ['DELETE', `/${id}`, undefined],
          ['PATCH', `/${id}/complete`, undefined],
          ['PATCH', `/${id}/complete`, { json: { completed: true } }],
        ] as const) {
          await assertProblem(await api.send(method, path, body), 404, [], `${method} ${path.slice(0, 40)}`)
        }
      }
      assert.deepEqual(await api.all(), [], 'nothing was created by them')
    })

    it('PATCH /complete with no body toggles completion and completed_at', async () => {
      const api = tasksOf(t, await t.signup())
      const created = await api.create({ title: 'Toggle me' })
      await sleep(5)
      const done = await api.ok('PATCH', `/${created.id}/complete`)
      assert.equal(done.completed, true)
      assert.match(done.completed_at ?? '', UTC_TIMESTAMP)
      assert.ok(Date.parse(done.completed_at ?? '') > Date.parse(created.created_at))
      assert.ok(Date.parse(done.updated_at) > Date.parse(created.updated_at))
      assert.deepEqual({ ...done, completed: false, completed_at: null, updated_at: created.updated_at }, created)

      const undone = await api.ok('PATCH', `/${created.id}/complete`)
      assert.equal(undone.completed, false)
      assert.equal(undone.completed_at, null)
      assert.deepEqual(await api.read(created.id), undone)

      const again = await api.ok('PATCH', `/${created.id}/complete`)
      assert.equal(again.completed, true)
      assert.ok(again.completed_at)
    })

    it('PATCH /complete with {"completed": bool} sets completion idempotently', async () => {
      const api = tasksOf(t, await t.signup())
      const created = await api.create({ title: 'Set me' })
      const done = await api.ok('PATCH', `/${created.id}/complete`, { json: { completed: true } })
      assert.equal(done.completed, true)
      assert.ok(done.completed_at)
      await sleep(5)
      const doneAgain = await api.ok('PATCH', `/${created.id}/complete`, { json: { completed: true } })
      assert.equal(doneAgain.completed, true)
      assert.equal(doneAgain.completed_at, done.completed_at, 'completing again keeps the completion time')

      const open = await api.ok('PATCH', `/${created.id}/complete`, { json: { completed: false } })
      assert.equal(open.completed, false)
      assert.equal(open.completed_at, null)
      const openAgain = await api.ok('PATCH', `/${created.id}/complete`, { json: { completed: false } })
      assert.equal(openAgain.completed, false)
      assert.equal(openAgain.completed_at, null)
    })

    it('PATCH /complete refuses a body that is not JSON (415), malformed (400) or invalid (422), changing nothing', async () => {
      const api = tasksOf(t, await t.signup())
      const created = await api.create({ title: 'Leave me' })
      const path = `/${created.id}/complete`
      await assertProblem(await api.send('PATCH', path, { raw: 'completed=true', type: 'text/plain' }), 415)
      await assertProblem(
        await api.send('PATCH', path, { raw: 'completed=true', type: 'application/x-www-form-urlencoded' }),
        415,
      )
      await assertProblem(await api.send('PATCH', path, { raw: '{"completed":', type: 'application/json' }), 400)
      await assertProblem(await api.send('PATCH', path, { json: { completed: 'yes' } }), 422, ['completed'])
      await assertProblem(await api.send('PATCH', path, { json: { completed: 1 } }), 422, ['completed'])
      await assertProblem(await api.send('PATCH', path, { json: { completed: null } }), 422, ['completed'])
      await assertProblem(await api.send('PATCH', path, { json: { completed: true, title: 'x' } }), 422, ['title'])
      assert.deepEqual(await api.read(created.id), created)
    })
  })

  describe(`task validation on ${driver}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver)
    })
    after(() => t?.close())

    const tags = (n: number, length = 5) =>
      Array.from({ length: n }, (_, i) => `${String.fromCharCode(97 + i)}${'x'.repeat(length - 1)}`)

    it('accepts every field at its bounds', async () => {
      const api = tasksOf(t, await t.signup())
      const t200 = 'T'.repeat(200)
      const long = await api.create({ title: `  ${t200}  `, description: 'd'.repeat(1000), tags: tags(10, 32) })
      assert.equal(long.title, t200, 'a title of 200 characters after trimming')
      assert.equal(long.description.length, 1000)
      assert.deepEqual(long.tags, tags(10, 32))

      const short = await api.create({ title: ' x ', description: '', tags: ['a'] })
      assert.equal(short.title, 'x')
      assert.deepEqual(short.tags, ['a'])

      for (const priority of ['low', 'medium', 'high'] as const) {
        assert.equal((await api.create({ title: priority, priority })).priority, priority)
      }

      // The same bounds hold when a task is replaced or patched.
      assert.equal((await api.ok('PUT', `/${short.id}`, { json: { title: t200 } })).title, t200)
      assert.equal(
        (await api.ok('PATCH', `/${short.id}`, { json: { description: 'e'.repeat(1000) } })).description.length,
        1000,
      )
      assert.deepEqual((await api.ok('PATCH', `/${short.id}`, { json: { tags: tags(10, 32) } })).tags, tags(10, 32))
    })

    it('stores tags lower-case and merges duplicates after lower-casing', async () => {
      const api = tasksOf(t, await t.signup())
      assert.deepEqual((await api.create({ title: 'x', tags: ['A', 'a', 'b'] })).tags, ['a', 'b'])
      const mixed = await api.create({ title: 'y', tags: ['Home', 'ERRANDS', 'home', 'Errands'] })
      assert.deepEqual(mixed.tags, ['home', 'errands'])
      assert.deepEqual((await api.read(mixed.id)).tags, ['home', 'errands'])
      assert.deepEqual((await api.ok('PATCH', `/${mixed.id}`, { json: { tags: ['X', 'x', 'Y'] } })).tags, ['x', 'y'])
    })

    it('accepts due_at with any offset and returns it in UTC, and accepts null', async () => {
      const api = tasksOf(t, await t.signup())
      const cases: [string, string][] = [
        ['2026-12-01T17:00:00Z', '2026-12-01T17:00:00.000Z'],
        ['2026-12-01T17:00:00+05:30', '2026-12-01T11:30:00.000Z'],
        ['2026-12-01T17:00:00.250-02:00', '2026-12-01T19:00:00.250Z'],
        ['2026-12-31T23:30:00-01:00', '2027-01-01T00:30:00.000Z'],
      ]
      for (const [given, stored] of cases) {
        const created = await api.create({ title: given, due_at: given })
        assert.equal(created.due_at, stored, given)
        assert.equal((await api.read(created.id)).due_at, stored, given)
      }
      assert.equal((await api.create({ title: 'no due date', due_at: null })).due_at, null)
    })

    it('stores a due date exactly as given or refuses it with 422, even at the ends of the calendar', async () => {
      const api = tasksOf(t, await t.signup())
      const patched = await api.create({ title: 'patched' })
      // Dates any user could mean are accepted.
      for (const due of ['1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00Z', '2999-12-31T23:59:59Z']) {
        assert.equal((await api.create({ title: due, due_at: due })).due_at, new Date(due).toISOString(), due)
      }
      // Far-off ones may be refused, but never fail on the server or come back as another date.
      const edges = [
        '0000-01-01T00:00:00Z',
        '0001-01-01T00:00:00Z',
        '0050-06-15T12:00:00Z',
        '0099-12-31T23:59:59Z',
        '0999-12-31T23:59:59Z',
        '1000-01-01T00:00:00Z',
        '9999-12-31T23:59:59Z',
        '9999-12-31T23:59:59-23:59',
      ]
      for (const due of edges) {
        for (const [method, path, body] of [
          ['POST', '', { title: due, due_at: due }],
          ['PATCH', `/${patched.id}`, { due_at: due }],
        ] as const) {
          const res = await api.send(method, path, { json: body })
          if (res.status === 422) {
            await assertProblem(res, 422, ['due_at'], `${method} ${due}`)
            continue
          }
          assert.ok(
            res.status === 200 || res.status === 201,
            `${method} ${due}: ${res.status} ${await res.clone().text()}`,
          )
          const stored = (await res.json()) as Task
          assert.equal(
            Date.parse(stored.due_at ?? ''),
            Date.parse(due),
            `${method} ${due}: came back as ${stored.due_at}`,
          )
          assert.equal((await api.read(stored.id)).due_at, stored.due_at)
        }
      }
      // And as list filters: an answer or a 422, never a server error.
      for (const due of edges) {
        for (const filter of ['due_before', 'due_after']) {
          const res = await api.list({ [filter]: due })
          assert.ok(res.status === 200 || res.status === 422, `${filter}=${due}: ${res.status} ${await res.text()}`)
        }
      }
    })

    /** Bodies refused with 422, each naming the field at fault. */
    const invalid: [string, Record<string, unknown>, string][] = [
      ['empty title', { title: '' }, 'title'],
      ['blank title', { title: '   ' }, 'title'],
      ['title of 201 characters', { title: 't'.repeat(201) }, 'title'],
      ['title of 201 characters inside spaces', { title: ` ${'t'.repeat(201)} ` }, 'title'],
      ['title not a string', { title: 42 }, 'title'],
      ['title null', { title: null }, 'title'],
      ['description of 1001 characters', { description: 'd'.repeat(1001) }, 'description'],
      ['description null', { description: null }, 'description'],
      ['priority outside the enum', { priority: 'urgent' }, 'priority'],
      ['priority in another case', { priority: 'High' }, 'priority'],
      ['priority as a number', { priority: 2 }, 'priority'],
      ['11 tags', { tags: tags(11) }, 'tags'],
      ['tag of 33 characters', { tags: ['ok', 'x'.repeat(33)] }, 'tags'],
      ['empty tag', { tags: [''] }, 'tags'],
      ['tags not an array', { tags: 'home' }, 'tags'],
      ['tag not a string', { tags: [7] }, 'tags'],
      ['due_at in words', { due_at: 'tomorrow' }, 'due_at'],
      ['due_at in month 13', { due_at: '2026-13-01T00:00:00Z' }, 'due_at'],
      ['due_at on 30 February', { due_at: '2026-02-30T00:00:00Z' }, 'due_at'],
      ['due_at without time', { due_at: '2026-12-01' }, 'due_at'],
      ['due_at without offset', { due_at: '2026-12-01T17:00:00' }, 'due_at'],
      ['due_at as epoch number', { due_at: 1796144400000 }, 'due_at'],
      ['unknown field', { titel: 'typo' }, 'titel'],
      ['completed is set by the server', { completed: true }, 'completed'],
      ['completed_at is set by the server', { completed_at: '2026-12-01T17:00:00Z' }, 'completed_at'],
      ['created_at is set by the server', { created_at: '2026-12-01T17:00:00Z' }, 'created_at'],
      ['updated_at is set by the server', { updated_at: '2026-12-01T17:00:00Z' }, 'updated_at'],
      ['id is set by the server', { id: 'mine' }, 'id'],
      ['user_id is set by the server', { user_id: 'someone' }, 'user_id'],
    ]

    it('refuses every invalid field with 422 on create, replace and patch, and stores nothing', async () => {
      const api = tasksOf(t, await t.signup())
      const existing = await api.create({ title: 'Existing', description: 'as it was', tags: ['keep'] })
      for (const [what, fields, field] of invalid) {
        const withTitle = { title: 'Valid title', ...fields }
        await assertProblem(await api.send('POST', '', { json: withTitle }), 422, [field], `POST ${what}`)
        await assertProblem(await api.send('PUT', `/${existing.id}`, { json: withTitle }), 422, [field], `PUT ${what}`)
        await assertProblem(await api.send('PATCH', `/${existing.id}`, { json: fields }), 422, [field], `PATCH ${what}`)
      }
      await assertProblem(await api.send('POST', '', { json: { description: 'no title' } }), 422, ['title'], 'POST')
      assert.deepEqual(await api.all(), [existing], 'nothing was stored or changed')
    })

    it('lists every invalid field of one body, not only the first', async () => {
      const api = tasksOf(t, await t.signup())
      const body = {
        title: ' ',
        description: 'd'.repeat(1001),
        priority: 'urgent',
        tags: ['', 'x'.repeat(33)],
        due_at: 'tomorrow',
        colour: 'red',
        completed: true,
      }
      const fields = ['title', 'description', 'priority', 'tags', 'due_at', 'colour', 'completed']
      await assertProblem(await api.send('POST', '', { json: body }), 422, fields, 'POST')
      const { title: _, ...patch } = body
      const made = await api.create({ title: 'x' })
      await assertProblem(await api.send('PUT', `/${made.id}`, { json: body }), 422, fields, 'PUT')
      await assertProblem(
        await api.send('PATCH', `/${made.id}`, { json: patch }),
        422,
        fields.filter((f) => f !== 'title'),
        'PATCH',
      )
      assert.deepEqual(await api.all(), [made])
    })

    it('refuses malformed JSON with 400 and a body that is not JSON with 415, storing nothing', async () => {
      const api = tasksOf(t, await t.signup())
      const existing = await api.create({ title: 'Existing' })
      const routes: [string, string][] = [
        ['POST', ''],
        ['PUT', `/${existing.id}`],
        ['PATCH', `/${existing.id}`],
      ]
      for (const [method, path] of routes) {
        for (const raw of ['{"title": "x"', '{title: "x"}', "{'title': 'x'}", '']) {
          await assertProblem(
            await api.send(method, path, { raw, type: 'application/json' }),
            400,
            [],
            `${method} ${raw}`,
          )
        }
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
          await assertProblem(
            await api.send(method, path, { raw: '{"title":"x"}', type }),
            415,
            [],
            `${method} ${type}`,
          )
        }
        await assertProblem(await api.send(method, path, { raw: '{"title":"x"}' }), 415, [], `${method} no type`)
        await assertProblem(await api.send(method, path, { raw: '["x"]', type: 'application/json' }), 422, [], method)
      }
      assert.deepEqual(await api.all(), [existing])
    })
  })

  describe(`task list filters and sorts on ${driver}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver)
    })
    after(() => t?.close())

    /**
     * Six tasks made one after another (distinct created_at), two then completed and two
     * patched, so every sort has a known order.
     */
    async function sixTasks() {
      const api = tasksOf(t, await t.signup())
      const specs = [
        {
          title: 'Buy milk',
          description: 'Two litres, semi-skimmed',
          priority: 'low',
          tags: ['errands', 'home'],
          due_at: '2026-12-03T09:00:00Z',
        },
        { title: '100% done', priority: 'high', tags: ['work'], due_at: '2026-12-01T09:00:00Z' },
        { title: 'Rename snake_case columns', priority: 'medium', tags: ['work', 'code'] },
        {
          title: 'Call the clinic',
          description: 'Book the DENTIST appointment',
          priority: 'high',
          tags: ['home'],
          due_at: '2026-12-02T09:00:00Z',
        },
        { title: 'Water plants', priority: 'medium' },
        { title: 'Pay rent', priority: 'low', tags: ['home', 'errands', 'money'], due_at: '2026-12-02T10:00:00+01:00' },
      ]
      const made: Task[] = []
      for (const spec of specs) {
        made.push(await api.create(spec))
        await sleep(3)
      }
      const byTitle = new Map(made.map((m) => [m.title, m]))
      const id = (title: string) => byTitle.get(title)?.id as string
      for (const title of ['100% done', 'Water plants']) {
        await api.ok('PATCH', `/${id(title)}/complete`)
        await sleep(3)
      }
      for (const title of ['Rename snake_case columns', 'Buy milk']) {
        await api.ok('PATCH', `/${id(title)}`, { json: { description: `${byTitle.get(title)?.description} (edited)` } })
        await sleep(3)
      }
      return api
    }

    const set = async (api: ReturnType<typeof tasksOf>, query: Query) => sorted(titles(await api.all(query)))

    it('lists all tasks by default, and by status', async () => {
      const api = await sixTasks()
      const all = await api.page()
      assert.equal(all.items.length, 6)
      assert.equal(all.next_cursor, null)
      for (const item of all.items) assert.deepEqual(Object.keys(item).sort(), TASK_KEYS)
      assert.deepEqual(await set(api, { status: 'all' }), sorted(titles(all.items)))
      assert.deepEqual(
        await set(api, { status: 'pending' }),
        sorted(['Buy milk', 'Rename snake_case columns', 'Call the clinic', 'Pay rent']),
      )
      assert.deepEqual(await set(api, { status: 'completed' }), sorted(['100% done', 'Water plants']))
    })

    it('searches title and description case-insensitively, with % and _ as plain characters', async () => {
      const api = await sixTasks()
      assert.deepEqual(await set(api, { q: 'MILK' }), ['Buy milk'])
      assert.deepEqual(await set(api, { q: 'milk' }), ['Buy milk'])
      assert.deepEqual(await set(api, { q: 'Dentist' }), ['Call the clinic'], 'found by its description')
      assert.deepEqual(await set(api, { q: 'semi-SKIMMED' }), ['Buy milk'])
      assert.deepEqual(await set(api, { q: '%' }), ['100% done'])
      assert.deepEqual(await set(api, { q: '100%' }), ['100% done'])
      assert.deepEqual(await set(api, { q: '_' }), ['Rename snake_case columns'])
      assert.deepEqual(await set(api, { q: 'e_c' }), ['Rename snake_case columns'])
      assert.deepEqual(await set(api, { q: 'p_y' }), [], '_ matches only an underscore')
      assert.deepEqual(await set(api, { q: 'B%k' }), [], '% matches only a percent sign')
      assert.deepEqual(await set(api, { q: '\\' }), [])
      assert.deepEqual(await set(api, { q: 'nothing like this' }), [])
      assert.deepEqual(
        await set(api, { q: 'milk two' }),
        [],
        'the end of the title and the start of the description are not one text',
      )
      assert.deepEqual(await set(api, { q: 'the' }), ['Call the clinic'])
    })

    it('filters by priority, by tags (all must match) and by due dates (before exclusive, after inclusive)', async () => {
      const api = await sixTasks()
      assert.deepEqual(await set(api, { priority: 'high' }), sorted(['100% done', 'Call the clinic']))
      assert.deepEqual(await set(api, { priority: 'medium' }), sorted(['Rename snake_case columns', 'Water plants']))
      assert.deepEqual(await set(api, { priority: 'low' }), sorted(['Buy milk', 'Pay rent']))

      assert.deepEqual(await set(api, { tag: 'home' }), sorted(['Buy milk', 'Call the clinic', 'Pay rent']))
      assert.deepEqual(await set(api, { tag: ['home', 'errands'] }), sorted(['Buy milk', 'Pay rent']))
      assert.deepEqual(await set(api, { tag: ['errands', 'home', 'money'] }), ['Pay rent'])
      assert.deepEqual(await set(api, { tag: ['work', 'home'] }), [])
      assert.deepEqual(await set(api, { tag: 'nowhere' }), [])

      // 'Call the clinic' and 'Pay rent' are due at exactly 2026-12-02T09:00Z.
      const edge = '2026-12-02T09:00:00Z'
      assert.deepEqual(await set(api, { due_before: edge }), ['100% done'], 'due_before is exclusive')
      assert.deepEqual(
        await set(api, { due_after: edge }),
        sorted(['Buy milk', 'Call the clinic', 'Pay rent']),
        'due_after is inclusive; tasks without a due date are left out',
      )
      assert.deepEqual(await set(api, { due_before: '2026-12-02T10:00:00+01:00' }), ['100% done'], 'offsets count')
      assert.deepEqual(
        await set(api, { due_after: edge, due_before: '2026-12-03T09:00:00Z' }),
        sorted(['Call the clinic', 'Pay rent']),
      )
      assert.deepEqual(
        await set(api, { due_before: '2100-01-01T00:00:00Z' }),
        sorted(['Buy milk', '100% done', 'Call the clinic', 'Pay rent']),
        'no task without a due date',
      )

      assert.deepEqual(
        await set(api, { status: 'pending', tag: 'home', priority: 'low', q: 'milk' }),
        ['Buy milk'],
        'filters combine',
      )
      assert.deepEqual(await set(api, { status: 'completed', tag: 'work', due_before: edge }), ['100% done'])
    })

    it('sorts by every key in both orders (priority by meaning, no due date last either way)', async () => {
      const api = await sixTasks()
      const created = [
        'Buy milk',
        '100% done',
        'Rename snake_case columns',
        'Call the clinic',
        'Water plants',
        'Pay rent',
      ]
      const updated = [
        'Call the clinic',
        'Pay rent',
        '100% done',
        'Water plants',
        'Rename snake_case columns',
        'Buy milk',
      ]
      const byTitle = [
        '100% done',
        'Buy milk',
        'Call the clinic',
        'Pay rent',
        'Rename snake_case columns',
        'Water plants',
      ]
      const orders: [Query, string[][]][] = [
        [{}, created.map((c) => [c]).reverse()], // default: created_at desc
        [{ sort: 'created_at', order: 'asc' }, created.map((c) => [c])],
        [{ sort: 'created_at', order: 'desc' }, created.map((c) => [c]).reverse()],
        [{ order: 'asc' }, created.map((c) => [c])],
        [{ sort: 'updated_at', order: 'asc' }, updated.map((c) => [c])],
        [{ sort: 'updated_at', order: 'desc' }, updated.map((c) => [c]).reverse()],
        [{ sort: 'updated_at' }, updated.map((c) => [c]).reverse()],
        [{ sort: 'title', order: 'asc' }, byTitle.map((c) => [c])],
        [{ sort: 'title', order: 'desc' }, byTitle.map((c) => [c]).reverse()],
        [
          { sort: 'priority', order: 'asc' },
          [
            ['Buy milk', 'Pay rent'],
            ['Rename snake_case columns', 'Water plants'],
            ['100% done', 'Call the clinic'],
          ],
        ],
        [
          { sort: 'priority', order: 'desc' },
          [
            ['100% done', 'Call the clinic'],
            ['Rename snake_case columns', 'Water plants'],
            ['Buy milk', 'Pay rent'],
          ],
        ],
        [
          { sort: 'due_at', order: 'asc' },
          [['100% done'], ['Call the clinic', 'Pay rent'], ['Buy milk'], ['Rename snake_case columns', 'Water plants']],
        ],
        [
          { sort: 'due_at', order: 'desc' },
          [['Buy milk'], ['Call the clinic', 'Pay rent'], ['100% done'], ['Rename snake_case columns', 'Water plants']],
        ],
      ]
      for (const [query, groups] of orders) {
        const what = queryString(query) || 'default'
        assertGroups((await api.page(query)).items, groups, what)
        assertGroups(await api.all(query, 1), groups, `${what}, one per page`)
      }
      // Sorting and filtering together.
      assertGroups(
        (await api.page({ sort: 'due_at', order: 'desc', tag: 'home' })).items,
        [['Buy milk'], ['Call the clinic', 'Pay rent']],
        'due_at desc, tag=home',
      )
    })

    it('pages with limit 1 to 100 and refuses any other limit', async () => {
      const api = await sixTasks()
      const one = await api.page({ limit: 1 })
      assert.equal(one.items.length, 1)
      assert.equal(typeof one.next_cursor, 'string')
      const exact = await api.page({ limit: 6 })
      assert.equal(exact.items.length, 6)
      assert.equal(exact.next_cursor, null, 'no next page when the last task is on this one')
      const five = await api.page({ limit: 5 })
      assert.equal(five.items.length, 5)
      assert.ok(five.next_cursor)
      const rest = await api.page({ limit: 5, cursor: five.next_cursor })
      assert.equal(rest.items.length, 1)
      assert.equal(rest.next_cursor, null)
      assert.equal((await api.page({ limit: 100 })).items.length, 6)
      for (const limit of ['0', '101', '-1', 'abc', '1.5', '', '1e1', ' 5', '1000']) {
        await assertProblem(await api.list({ limit }), 422, ['limit'], `limit=${limit}`)
      }
    })

    it('refuses bad parameters with 422 instead of a silent default', async () => {
      const api = tasksOf(t, await t.signup())
      await api.create({ title: 'one' })
      const bad: [Query, string][] = [
        [{ status: 'done' }, 'status'],
        [{ status: '' }, 'status'],
        [{ status: ['all', 'pending'] }, 'status'],
        [{ sort: 'name' }, 'sort'],
        [{ sort: 'created_at desc' }, 'sort'],
        [{ order: 'up' }, 'order'],
        [{ order: 'DESC' }, 'order'],
        [{ priority: 'urgent' }, 'priority'],
        [{ due_before: 'tomorrow' }, 'due_before'],
        [{ due_before: '2026-12-01' }, 'due_before'],
        [{ due_after: '2026-13-01T00:00:00Z' }, 'due_after'],
        [{ tag: 'x'.repeat(33) }, 'tag'],
        [{ cursor: 'garbage' }, 'cursor'],
        [{ page: '2' }, 'page'],
        [{ offset: '10' }, 'offset'],
        [{ Status: 'all' }, 'Status'],
      ]
      for (const [query, field] of bad) {
        await assertProblem(await api.list(query), 422, [field], queryString(query))
      }
      const several = await assertProblem(
        await api.list({ status: 'x', sort: 'x', order: 'x', limit: '0', colour: 'red' }),
        422,
        ['status', 'sort', 'order', 'limit', 'colour'],
        'several at once',
      )
      assert.ok((several.errors?.length ?? 0) >= 5)
    })

    it('refuses a cursor made for another sort or order, or tampered with', async () => {
      const api = await sixTasks()
      const titlePage = await api.page({ sort: 'title', order: 'asc', limit: 2 })
      const cursor = titlePage.next_cursor as string
      assert.ok(cursor)
      assert.equal((await api.page({ sort: 'title', order: 'asc', limit: 2, cursor })).items.length, 2)
      for (const query of [
        { sort: 'title', order: 'desc' },
        { sort: 'priority', order: 'asc' },
        { sort: 'created_at', order: 'asc' },
        {}, // the defaults are another sort and order
      ] as Query[]) {
        await assertProblem(await api.list({ ...query, limit: 2, cursor }), 422, ['cursor'], queryString(query))
      }
      const tampered = [
        'garbage',
        `${cursor}x`,
        cursor.slice(0, -3),
        Buffer.from('{"a":1}').toString('base64url'),
        Buffer.from('null').toString('base64url'),
        'x'.repeat(2000),
      ]
      for (const bad of tampered) {
        await assertProblem(await api.list({ sort: 'title', order: 'asc', cursor: bad }), 422, ['cursor'], bad)
      }
      // Forged in the server's own cursor format (base64url JSON) with values the database
      // cannot take: still a bad parameter, never a server error.
      const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
      const forged: [Query, unknown[]][] = [
        [{ sort: 'title', order: 'asc' }, ['title', 'asc', 'a\u0000b', randomUUID()]],
        [{ sort: 'title', order: 'asc' }, ['title', 'asc', 'a', 'x\u0000']],
        [{ sort: 'due_at', order: 'asc' }, ['due_at', 'asc', '0000-01-01T00:00:00.000Z', randomUUID()]],
        [{ sort: 'due_at', order: 'asc' }, ['due_at', 'asc', '+275760-09-13T00:00:00.000Z', randomUUID()]],
        [{ sort: 'created_at', order: 'desc' }, ['created_at', 'desc', '-000001-01-01T00:00:00.000Z', randomUUID()]],
        [{ sort: 'updated_at', order: 'desc' }, ['updated_at', 'desc', 'Sat, 01 Jan 0000 00:00:00 GMT', randomUUID()]],
        [{ sort: 'priority', order: 'asc' }, ['priority', 'asc', 7, randomUUID()]],
      ]
      for (const [query, value] of forged) {
        const res = await api.list({ ...query, cursor: forge(value) })
        await assertProblem(res, 422, ['cursor'], JSON.stringify(value))
      }
    })

    it('pages through seven tasks two at a time, each exactly once and in order, for every sort', async () => {
      const api = tasksOf(t, await t.signup())
      // Ties on title, priority and due_at, and tasks without a due date.
      const specs = [
        { title: 'alpha', priority: 'high', due_at: '2026-12-02T09:00:00Z' },
        { title: 'beta', priority: 'low', due_at: null },
        { title: 'alpha', priority: 'medium', due_at: '2026-12-01T09:00:00Z' },
        { title: 'gamma', priority: 'high', due_at: '2026-12-02T09:00:00Z' },
        { title: 'alpha', priority: 'high', due_at: null },
        { title: 'beta', priority: 'medium', due_at: '2026-12-03T09:00:00Z' },
        { title: 'delta', priority: 'high', due_at: null },
      ]
      const made: Task[] = []
      for (const spec of specs) made.push(await api.create(spec))
      // Change two of them, so updated_at differs from created_at.
      await api.ok('PATCH', `/${made[2]?.id}/complete`)
      await api.ok('PATCH', `/${made[0]?.id}`, { json: { description: 'edited' } })

      const rank = { low: 0, medium: 1, high: 2 }
      const keyOf: Record<string, (task: Task) => string | number | null> = {
        created_at: (x) => x.created_at,
        updated_at: (x) => x.updated_at,
        due_at: (x) => x.due_at,
        priority: (x) => rank[x.priority],
        title: (x) => x.title,
      }
      for (const sort of Object.keys(keyOf)) {
        for (const order of ['asc', 'desc']) {
          const what = `${sort} ${order}`
          const paged = await api.all({ sort, order }, 2)
          assert.equal(paged.length, 7, what)
          assert.deepEqual(sorted(ids(paged)), sorted(ids(made)), `${what}: every task exactly once`)
          assert.deepEqual(ids(paged), ids((await api.page({ sort, order })).items), `${what}: the order of one page`)
          const keys = paged.map(keyOf[sort] as (task: Task) => string | number | null)
          for (let i = 1; i < keys.length; i++) {
            const [a, b] = [keys[i - 1], keys[i]]
            if (b === null || b === undefined) continue
            assert.notEqual(a, null, `${what}: tasks without a due date come last`)
            const inOrder = order === 'asc' ? (a as string | number) <= b : (a as string | number) >= b
            assert.ok(inOrder, `${what}: ${String(a)} before ${String(b)}`)
          }
        }
      }

      // Filters hold across pages too.
      const alphas = await api.all({ q: 'alpha', sort: 'priority', order: 'desc' }, 1)
      assert.deepEqual(titles(alphas), ['alpha', 'alpha', 'alpha'])
      assert.deepEqual(
        alphas.map((a) => a.priority),
        ['high', 'high', 'medium'],
      )
    })
  })

  describe(`task pagination under concurrent writes on ${driver}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver)
    })
    after(() => t?.close())

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

        const pager = (async () => {
          try {
            let cursor: string | null = null
            do {
              const page: Page = await api.page({ sort: 'created_at', order, limit: 5, ...(cursor ? { cursor } : {}) })
              for (const item of page.items) visits.set(item.id, (visits.get(item.id) ?? 0) + 1)
              cursor = page.next_cursor
              pages++
              await sleep(5) // let the writer in between pages
            } while (cursor)
          } finally {
            paging = false
          }
        })()

        const writer = (async () => {
          let step = 0
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

  describe(`deleting a user on ${driver}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver)
    })
    after(() => t?.close())

    it('deletes their tasks with them, and no one else’s', async () => {
      const ann = await t.signup()
      const bob = await t.signup()
      const annTasks = tasksOf(t, ann)
      const bobTasks = tasksOf(t, bob)
      for (const title of ['one', 'two', 'three']) await annTasks.create({ title, tags: ['x'] })
      const bobsTask = await bobTasks.create({ title: 'bob keeps this' })
      const { db } = t.services.database
      const rowsOf = (userId: string) => db.select().from(taskTable).where(eq(taskTable.userId, userId))
      assert.equal((await rowsOf(ann.user.id)).length, 3)

      await db.delete(userTable).where(eq(userTable.id, ann.user.id))

      assert.deepEqual(await rowsOf(ann.user.id), [], "the user's task rows are gone")
      assert.equal((await rowsOf(bob.user.id)).length, 1)
      assert.deepEqual(await bobTasks.read(bobsTask.id), bobsTask)
    })
  })
}

/**
 * Per-user isolation of the task API (API.md "Task API"): with each kind of credential
 * (access token, session token, session cookie), another user's path is 403 and reveals
 * nothing, another user's task is 404 and untouched, lists, searches, filters, sorts and
 * cursors only ever show the caller's own tasks; without valid credentials, or after
 * sign-out, every route is 401 with `WWW-Authenticate: Bearer`.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { TaskJson } from '../src/tasks/schemas.js'
import { closeDatabases, drivers, problem, type SignedIn, startTestApp, type TestApp } from './support/harness.js'

after(closeDatabases)

/** The wire shape, from the schema that produces it. */
type Task = TaskJson
type Page = { items: Task[]; next_cursor: string | null }
type Credential = 'access token' | 'session token' | 'cookie'
type Headers = Record<string, string>
type Body = { json: unknown } | { raw: string; type: string }
type Route = { name: string; method: string; path: string; body?: Body }

const CREDENTIALS: Credential[] = ['access token', 'session token', 'cookie']

/** The headers that carry `who`'s credential of one kind (no Origin, like curl or a server). */
function credential(who: SignedIn, kind: Credential): Headers {
  if (kind === 'access token') return { authorization: `Bearer ${who.token}` }
  if (kind === 'session token') return { authorization: `Bearer ${who.session_token}` }
  assert.ok(who.cookie, 'sign-up set a session cookie')
  return { cookie: who.cookie }
}

function send(t: TestApp, headers: Headers, method: string, path: string, body?: Body) {
  const h: Headers = { ...headers }
  let payload: string | undefined
  if (body && 'json' in body) {
    h['content-type'] = 'application/json'
    payload = JSON.stringify(body.json)
  } else if (body) {
    h['content-type'] = body.type
    payload = body.raw
  }
  return t.fetch(path, { method, headers: h, body: payload })
}

/** Every task route, for the path of `userId` and the task `taskId`. */
function everyRoute(userId: string, taskId: string): Route[] {
  const base = `/api/${userId}/tasks`
  return [
    { name: 'list', method: 'GET', path: base },
    { name: 'list with filters', method: 'GET', path: `${base}?q=secret&tag=surprise&sort=title&order=asc&limit=1` },
    { name: 'create', method: 'POST', path: base, body: { json: { title: 'Planted by Bob' } } },
    { name: 'read', method: 'GET', path: `${base}/${taskId}` },
    { name: 'replace', method: 'PUT', path: `${base}/${taskId}`, body: { json: { title: 'Hijacked' } } },
    { name: 'patch', method: 'PATCH', path: `${base}/${taskId}`, body: { json: { title: 'Hijacked' } } },
    { name: 'delete', method: 'DELETE', path: `${base}/${taskId}` },
    { name: 'toggle completion', method: 'PATCH', path: `${base}/${taskId}/complete` },
    {
      name: 'set completion',
      method: 'PATCH',
      path: `${base}/${taskId}/complete`,
      body: { json: { completed: true } },
    },
  ]
}

/** The routes that name one task. */
const taskRoutes = (userId: string, taskId: string) =>
  everyRoute(userId, taskId).filter((r) => r.path.includes(`/${taskId}`))

/** The same routes with bodies that would be refused, had the caller been allowed in. */
function everyRouteWithBadInput(userId: string, taskId: string): Route[] {
  const base = `/api/${userId}/tasks`
  return [
    { name: 'list, bad query', method: 'GET', path: `${base}?limit=0&colour=red` },
    { name: 'create, invalid', method: 'POST', path: base, body: { json: { title: '' } } },
    { name: 'create, not JSON', method: 'POST', path: base, body: { raw: 'title=x', type: 'text/plain' } },
    { name: 'create, malformed', method: 'POST', path: base, body: { raw: '{"title":', type: 'application/json' } },
    { name: 'replace, invalid', method: 'PUT', path: `${base}/${taskId}`, body: { json: {} } },
    { name: 'patch, invalid', method: 'PATCH', path: `${base}/${taskId}`, body: { json: {} } },
    {
      name: 'complete, not JSON',
      method: 'PATCH',
      path: `${base}/${taskId}/complete`,
      body: { raw: 'x', type: 'text/plain' },
    },
  ]
}

const byId = (items: Task[]) => [...items].sort((a, b) => (a.id < b.id ? -1 : 1))

for (const driver of drivers()) {
  describe(`task isolation between users on ${driver}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver)
    })
    after(() => t?.close())

    /** Every one of `who`'s tasks, read with their access token. */
    async function everything(who: SignedIn): Promise<Task[]> {
      const items: Task[] = []
      let cursor: string | null = null
      do {
        const query: string = `limit=100${cursor ? `&cursor=${cursor}` : ''}`
        const res = await t.get(`/api/${who.user.id}/tasks?${query}`, who.token)
        assert.equal(res.status, 200)
        const page = (await res.json()) as Page
        items.push(...page.items)
        cursor = page.next_cursor
      } while (cursor)
      return byId(items)
    }

    async function create(who: SignedIn, input: Record<string, unknown>): Promise<Task> {
      const res = await t.post(`/api/${who.user.id}/tasks`, input, { token: who.token })
      assert.equal(res.status, 201, await res.clone().text())
      return (await res.json()) as Task
    }

    /** Ann and Bob with similar tasks: same words, tags, priorities and due dates. */
    async function annAndBob() {
      const marker = randomUUID().slice(0, 8)
      const ann = await t.signup({ name: `Ann ${marker}` })
      const bob = await t.signup({ name: `Bob ${marker}` })
      const annTasks = [
        await create(ann, {
          title: `Ann's secret surprise party ${marker}`,
          description: 'Do not tell anyone',
          priority: 'high',
          tags: ['surprise', 'shared'],
          due_at: '2026-12-01T18:00:00Z',
        }),
        await create(ann, { title: 'Shared chores', priority: 'low', tags: ['shared'] }),
      ]
      // One of Ann's is completed, so status filters have something on both sides.
      const done = await send(
        t,
        credential(ann, 'access token'),
        'PATCH',
        `/api/${ann.user.id}/tasks/${annTasks[1]?.id}/complete`,
      )
      assert.equal(done.status, 200)
      const bobTasks = [
        await create(bob, {
          title: `Bob's secret plan ${marker}`,
          description: 'surprise',
          priority: 'high',
          tags: ['surprise', 'shared', 'bob-only'],
          due_at: '2026-12-01T18:00:00Z',
        }),
        await create(bob, {
          title: 'Shared chores',
          priority: 'low',
          tags: ['shared'],
          due_at: '2026-11-30T08:00:00Z',
        }),
        await create(bob, { title: 'Bob alone', priority: 'medium' }),
      ]
      return { marker, ann, bob, annTasks, bobTasks }
    }

    /** What must never appear in a response to Bob about Ann. */
    function secretsOf(ann: SignedIn, annTasks: Task[]): string[] {
      const all = [
        ann.user.id,
        ann.user.email,
        ann.user.name,
        ...annTasks.flatMap((x) => [x.id, x.title, x.description]),
      ]
      return all.filter((secret) => secret.length > 0)
    }

    for (const kind of CREDENTIALS) {
      describe(`with ${kind === 'cookie' ? 'the session cookie' : `a bearer ${kind}`}`, () => {
        it("works on every route of one's own (the control for the refusals below)", async () => {
          const ann = await t.signup()
          const h = credential(ann, kind)
          const base = `/api/${ann.user.id}/tasks`
          const created = await send(t, h, 'POST', base, { json: { title: 'Mine', tags: ['x'] } })
          assert.equal(created.status, 201)
          const task = (await created.json()) as Task
          assert.equal(task.user_id, ann.user.id)
          const listed = await send(t, h, 'GET', `${base}?tag=x`)
          assert.equal(listed.status, 200)
          assert.deepEqual(((await listed.json()) as Page).items, [task])
          assert.equal((await send(t, h, 'GET', `${base}/${task.id}`)).status, 200)
          assert.equal(
            (await send(t, h, 'PUT', `${base}/${task.id}`, { json: { title: 'Mine, renamed' } })).status,
            200,
          )
          assert.equal((await send(t, h, 'PATCH', `${base}/${task.id}`, { json: { priority: 'high' } })).status, 200)
          assert.equal((await send(t, h, 'PATCH', `${base}/${task.id}/complete`)).status, 200)
          const set = await send(t, h, 'PATCH', `${base}/${task.id}/complete`, { json: { completed: false } })
          assert.equal(set.status, 200)
          assert.deepEqual(
            { ...((await set.json()) as Task), updated_at: '' },
            { ...task, title: 'Mine, renamed', priority: 'high', tags: [], updated_at: '' },
          )
          assert.equal((await send(t, h, 'DELETE', `${base}/${task.id}`)).status, 204)
          assert.deepEqual(await everything(ann), [])
        })

        it("gives Bob 403 on every route of Ann's path, revealing nothing and changing nothing", async () => {
          const { ann, bob, annTasks } = await annAndBob()
          const annBefore = await everything(ann)
          const h = credential(bob, kind)
          const secrets = secretsOf(ann, annTasks)
          const stranger = `user-${randomUUID().slice(0, 8)}`
          const annTask = annTasks[0]?.id as string
          const cases: [Route, Route][] = [
            ...everyRoute(ann.user.id, annTask).map((r, i) => [r, everyRoute(stranger, annTask)[i]] as [Route, Route]),
            ...everyRoute(ann.user.id, randomUUID()).map(
              (r, i) => [r, everyRoute(stranger, randomUUID())[i]] as [Route, Route],
            ),
            ...everyRouteWithBadInput(ann.user.id, annTask).map(
              (r, i) => [r, everyRouteWithBadInput(stranger, annTask)[i]] as [Route, Route],
            ),
          ]
          for (const [route, strangerRoute] of cases) {
            const res = await send(t, h, route.method, route.path, route.body)
            const text = await res.clone().text()
            assert.equal(res.status, 403, `${route.name}: ${res.status} ${text}`)
            const body = await problem(res)
            assert.equal(body.status, 403)
            assert.equal(body.errors, undefined, `${route.name}: no field errors for a path one may not use`)
            for (const secret of secrets) assert.ok(!text.includes(secret), `${route.name}: leaks ${secret}`)
            // Ann's path answers exactly as a path of no one at all does.
            const other = await send(t, h, strangerRoute.method, strangerRoute.path, strangerRoute.body)
            assert.equal(other.status, 403, strangerRoute.name)
            assert.deepEqual(
              await other.json(),
              body,
              `${route.name}: the same answer as for a user who does not exist`,
            )
            assert.equal(res.headers.get('location'), null)
          }

          // Nor can Bob plant a task with Ann's id in the body.
          const planted = await send(t, h, 'POST', `/api/${bob.user.id}/tasks`, {
            json: { title: 'Planted', user_id: ann.user.id },
          })
          assert.equal(planted.status, 422)

          assert.deepEqual(await everything(ann), annBefore, "nothing of Ann's changed")
          assert.equal((await everything(bob)).length, 3, 'and nothing was created for Bob')
        })

        it("gives Bob 404 for Ann's task on his own path, as for a task that does not exist", async () => {
          const { ann, bob, annTasks } = await annAndBob()
          const annBefore = await everything(ann)
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
              const body = await problem(res)
              for (const secret of secrets) assert.ok(!text.includes(secret), `${route.name}: leaks ${secret}`)
              const twin = missing[i] as Route
              const other = await send(t, h, twin.method, twin.path, twin.body)
              assert.equal(other.status, 404)
              assert.deepEqual(await other.json(), body, `${route.name}: the same answer as for a missing task`)
            }
          }
          assert.deepEqual(await everything(ann), annBefore, "Ann's tasks are unchanged")
          const bobs = await everything(bob)
          assert.equal(bobs.length, 3)
          for (const item of bobs) assert.equal(item.user_id, bob.user.id)
        })

        it("never shows Ann Bob's tasks (or Bob Ann's) under any filter, search, tag, sort or cursor", async () => {
          const { marker, ann, bob, annTasks, bobTasks } = await annAndBob()
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

        it("lets Bob use a cursor from Ann's list only to page through his own tasks", async () => {
          const { ann, bob, annTasks, bobTasks } = await annAndBob()
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

        it(`refuses every route with 401 once the session is signed out (sign-out by ${kind})`, async () => {
          const ann = await t.signup()
          const bob = await t.signup()
          const annTask = await create(ann, { title: 'Still here' })
          const out = await send(t, credential(ann, kind), 'POST', '/api/auth/signout')
          assert.equal(out.status, 204)
          for (const other of CREDENTIALS) {
            for (const route of everyRoute(ann.user.id, annTask.id)) {
              const res = await send(t, credential(ann, other), route.method, route.path, route.body)
              assert.equal(res.status, 401, `${other}, ${route.name}: ${res.status}`)
              assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${other}, ${route.name}`)
              assert.equal((await problem(res)).status, 401)
            }
          }
          // Nothing the refused requests asked for happened, and Bob was not signed out.
          const signin = await t.post('/api/auth/signin', { email: ann.user.email, password: ann.password })
          assert.equal(signin.status, 200)
          const again = { ...ann, token: ((await signin.json()) as { token: string }).token }
          assert.deepEqual(await everything(again), [annTask])
          assert.equal((await send(t, credential(bob, kind), 'GET', `/api/${bob.user.id}/tasks`)).status, 200)
        })
      })
    }

    it('refuses every route with 401 and WWW-Authenticate: Bearer without valid credentials', async () => {
      const { ann, annTasks } = await annAndBob()
      const annBefore = await everything(ann)
      const annTask = annTasks[0]?.id as string
      const invalid: [string, Headers][] = [
        ['no credentials', {}],
        ['an empty bearer', { authorization: 'Bearer ' }],
        ['a garbage bearer', { authorization: 'Bearer garbage' }],
        ['a garbage JWT', { authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln' }],
        ['a tampered access token', { authorization: `Bearer ${ann.token.slice(0, -4)}AAAA` }],
        ['a tampered session token', { authorization: `Bearer ${ann.session_token}x` }],
        [
          'basic auth',
          { authorization: `Basic ${Buffer.from(`${ann.user.email}:${ann.password}`).toString('base64')}` },
        ],
        ['a garbage cookie', { cookie: 'better-auth.session_token=garbage' }],
        ['an unrelated cookie', { cookie: 'theme=dark' }],
      ]
      for (const [what, headers] of invalid) {
        for (const route of [...everyRoute(ann.user.id, annTask), ...everyRouteWithBadInput(ann.user.id, annTask)]) {
          const res = await send(t, headers, route.method, route.path, route.body)
          const text = await res.clone().text()
          assert.equal(res.status, 401, `${what}, ${route.name}: ${res.status} ${text}`)
          assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${what}, ${route.name}`)
          assert.equal((await problem(res)).status, 401)
          for (const secret of secretsOf(ann, annTasks).filter((s) => s !== ann.user.id)) {
            assert.ok(!text.includes(secret), `${what}, ${route.name}: leaks ${secret}`)
          }
        }
      }
      assert.deepEqual(await everything(ann), annBefore, 'nothing changed')
    })
  })
}

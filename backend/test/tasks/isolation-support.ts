/**
 * Helpers of the isolation tests: each kind of credential, every task route (with good and
 * bad input), and Ann and Bob with look-alike tasks.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe } from 'node:test'
import type { TaskJson } from '../../src/tasks/schemas.js'
import { fetchTaskClient } from '../../testkit/task-client.js'
import type { SignedIn, TestApp } from '../support/harness.js'

/** The wire shape, from the schema that produces it. */
export type Task = TaskJson
export type Page = { items: Task[]; next_cursor: string | null }
export type Credential = 'access token' | 'session token' | 'cookie'
export type Headers = Record<string, string>
export type Body = { json: unknown } | { raw: string; type: string }
export type Route = { name: string; method: string; path: string; body?: Body }

export const CREDENTIALS: Credential[] = ['access token', 'session token', 'cookie']

/** One describe per kind of credential ("with the session cookie", "with a bearer access token", …). */
export function describeEachCredential(body: (kind: Credential) => void): void {
  for (const kind of CREDENTIALS) {
    describe(`with ${kind === 'cookie' ? 'the session cookie' : `a bearer ${kind}`}`, () => body(kind))
  }
}

/** The headers that carry `who`'s credential of one kind (no Origin, like curl or a server). */
export function credential(who: SignedIn, kind: Credential): Headers {
  if (kind === 'access token') return { authorization: `Bearer ${who.token}` }
  if (kind === 'session token') return { authorization: `Bearer ${who.session_token}` }
  assert.ok(who.cookie, 'sign-up set a session cookie')
  return { cookie: who.cookie }
}

export function send(t: TestApp, headers: Headers, method: string, path: string, body?: Body) {
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
export function everyRoute(userId: string, taskId: string): Route[] {
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
export const taskRoutes = (userId: string, taskId: string) =>
  everyRoute(userId, taskId).filter((r) => r.path.includes(`/${taskId}`))

/** The same routes with bodies that would be refused, had the caller been allowed in. */
export function everyRouteWithBadInput(userId: string, taskId: string): Route[] {
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

/** `who`'s task API, with their access token. */
const clientOf = (t: TestApp, who: SignedIn) => fetchTaskClient(t.url, { userId: who.user.id, token: who.token })

export const byId = (items: Task[]) => [...items].sort((a, b) => (a.id < b.id ? -1 : 1))
/** Every one of `who`'s tasks, read with their access token. */
export async function everything(t: TestApp, who: SignedIn): Promise<Task[]> {
  const items: Task[] = []
  let cursor: string | null = null
  do {
    const res = await clientOf(t, who).list({ limit: 100, ...(cursor ? { cursor } : {}) })
    assert.equal(res.status, 200)
    const page = (await res.json()) as Page
    items.push(...page.items)
    cursor = page.next_cursor
  } while (cursor)
  return byId(items)
}

export async function create(t: TestApp, who: SignedIn, input: Record<string, unknown>): Promise<Task> {
  const res = await clientOf(t, who).create(input)
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as Task
}

/** Ann and Bob with similar tasks: same words, tags, priorities and due dates. */
export async function annAndBob(t: TestApp) {
  const marker = randomUUID().slice(0, 8)
  const ann = await t.signup({ name: `Ann ${marker}` })
  const bob = await t.signup({ name: `Bob ${marker}` })
  const annTasks = [
    await create(t, ann, {
      title: `Ann's secret surprise party ${marker}`,
      description: 'Do not tell anyone',
      priority: 'high',
      tags: ['surprise', 'shared'],
      due_at: '2026-12-01T18:00:00Z',
    }),
    await create(t, ann, { title: 'Shared chores', priority: 'low', tags: ['shared'] }),
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
    await create(t, bob, {
      title: `Bob's secret plan ${marker}`,
      description: 'surprise',
      priority: 'high',
      tags: ['surprise', 'shared', 'bob-only'],
      due_at: '2026-12-01T18:00:00Z',
    }),
    await create(t, bob, {
      title: 'Shared chores',
      priority: 'low',
      tags: ['shared'],
      due_at: '2026-11-30T08:00:00Z',
    }),
    await create(t, bob, { title: 'Bob alone', priority: 'medium' }),
  ]
  return { marker, ann, bob, annTasks, bobTasks }
}

/** What must never appear in a response to Bob about Ann. */
export function secretsOf(ann: SignedIn, annTasks: Task[]): string[] {
  const all = [ann.user.id, ann.user.email, ann.user.name, ...annTasks.flatMap((x) => [x.id, x.title, x.description])]
  return all.filter((secret) => secret.length > 0)
}

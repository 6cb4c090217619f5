/**
 * Helpers of the task API tests (API.md "Task API"): a user's view of their task API,
 * the checks of a list's order, and six tasks with a known order for the list tests.
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { TaskJson } from '../../src/tasks/schemas.js'
import { fetchSend, queryString, type TaskQuery, taskClient } from '../../testkit/task-client.js'
import type { SignedIn, TestApp } from '../support/harness.js'

export { queryString }

/** The wire shape, from the schema that produces it. */
export type Task = TaskJson
export type Page = { items: Task[]; next_cursor: string | null }
export type Query = TaskQuery

export const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

export type Body = { json: unknown } | { raw: string; type?: string } | undefined

/** A signed-in user's view of their own task API (bearer access token), checking each answer. */
export function tasksOf(t: TestApp, who: SignedIn) {
  const client = taskClient(fetchSend(t.url), { userId: who.user.id, token: who.token })
  const base = client.path()
  /** Any request below the user's tasks, with a JSON or a raw body. */
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
      const res = await client.create(input)
      assert.equal(res.status, 201, `create: ${res.status} ${await res.clone().text()}`)
      return (await res.json()) as Task
    },
    async read(id: string): Promise<Task> {
      const res = await client.read(id)
      assert.equal(res.status, 200, `read: ${res.status} ${await res.clone().text()}`)
      return (await res.json()) as Task
    },
    async ok(method: string, path: string, body?: Body): Promise<Task> {
      const res = await send(method, path, body)
      assert.equal(res.status, 200, `${method} ${path}: ${res.status} ${await res.clone().text()}`)
      return (await res.json()) as Task
    },
    list: (query: Query = {}) => client.list(query),
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

export const titles = (items: Task[]) => items.map((i) => i.title)
export const ids = (items: Task[]) => items.map((i) => i.id)
export const sorted = (list: string[]) => [...list].sort()

/** `items` in the given order of groups; within a group (a tie) any order. */
export function assertGroups(items: Task[], groups: string[][], what: string) {
  assert.equal(items.length, groups.flat().length, `${what}: ${titles(items).join(', ')}`)
  let at = 0
  for (const group of groups) {
    const slice = titles(items.slice(at, at + group.length))
    assert.deepEqual(sorted(slice), sorted(group), `${what}: got ${titles(items).join(' | ')}`)
    at += group.length
  }
}

/**
 * Six tasks made one after another (distinct created_at), two then completed and two
 * patched, so every sort has a known order.
 */
export async function sixTasks(t: TestApp) {
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

export const set = async (api: ReturnType<typeof tasksOf>, query: Query) => sorted(titles(await api.all(query)))

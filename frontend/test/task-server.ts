/**
 * An in-memory stand-in for the task API (API.md "Task API") behind a stubbed fetch, for
 * component tests: list (status, q, priority, tag, limit, cursor), create (with the API's
 * title validation), read, replace, complete, delete, plus the auth endpoints the
 * AuthProvider calls. `intercept` lets a test answer a request itself (errors, delays).
 */
import { vi } from 'vitest'
import type { Task } from '@/lib/types'
import { json, problem, USER } from './auth'

export type SentRequest = { method: string; path: string; query: URLSearchParams; body: unknown }
type Interceptor = (req: SentRequest) => Response | undefined | Promise<Response | undefined>

let seq = 0

export function makeTask(patch: Partial<Task> = {}): Task {
  seq += 1
  const stamp = new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString()
  return {
    id: `t${seq}`,
    user_id: USER.id,
    title: `Task ${seq}`,
    description: '',
    completed: false,
    priority: 'medium',
    tags: [],
    due_at: null,
    completed_at: null,
    created_at: stamp,
    updated_at: stamp,
    ...patch,
  }
}

const invalid = (errors: { field: string; message: string }[]) =>
  problem(422, { title: 'Unprocessable Content', detail: 'The request has invalid fields', errors })

function validate(body: Record<string, unknown>) {
  const errors: { field: string; message: string }[] = []
  const title = typeof body.title === 'string' ? body.title.trim() : ''
  if (title.length === 0) errors.push({ field: 'title', message: 'Title must not be empty' })
  if (title.length > 200) errors.push({ field: 'title', message: 'Title must be at most 200 characters' })
  return errors
}

export function createTaskServer(initial: Task[] = []) {
  const tasks = [...initial]
  const requests: SentRequest[] = []
  const interceptors: Interceptor[] = []

  async function handle(req: SentRequest): Promise<Response> {
    for (const intercept of interceptors) {
      const res = await intercept(req)
      if (res) return res
    }
    if (req.path === '/api/auth/token') return json(200, { token: 'access-token', expires_at: '2099-01-01T00:00:00Z' })
    if (req.path === '/api/me') return json(200, { user: USER })
    const m = /^\/api\/([^/]+)\/tasks(?:\/([^/]+))?(\/complete)?$/.exec(req.path)
    if (!m) throw new Error(`Unexpected request: ${req.method} ${req.path}`)
    const [, userId, id, complete] = m
    if (decodeURIComponent(userId ?? '') !== USER.id) return problem(403)
    const body = (req.body ?? {}) as Record<string, unknown>

    if (!id) {
      if (req.method === 'POST') {
        const errors = validate(body)
        if (errors.length) return invalid(errors)
        const task = makeTask({
          title: String(body.title).trim(),
          priority: (body.priority as Task['priority']) ?? 'medium',
          tags: ((body.tags as string[]) ?? []).map((t) => t.toLowerCase()),
          due_at: (body.due_at as string | null) ?? null,
        })
        tasks.unshift(task)
        return json(201, task)
      }
      const q = req.query
      let list = tasks.filter((t) => {
        if (q.get('status') === 'pending' && t.completed) return false
        if (q.get('status') === 'completed' && !t.completed) return false
        if (q.get('priority') && t.priority !== q.get('priority')) return false
        if (q.getAll('tag').some((tag) => !t.tags.includes(tag))) return false
        const before = q.get('due_before')
        const after = q.get('due_after')
        if ((before || after) && !t.due_at) return false
        if (before && t.due_at && Date.parse(t.due_at) >= Date.parse(before)) return false
        if (after && t.due_at && Date.parse(t.due_at) < Date.parse(after)) return false
        const text = q.get('q')?.toLowerCase()
        return !text || `${t.title} ${t.description}`.toLowerCase().includes(text)
      })
      const offset = Number(q.get('cursor') ?? 0)
      const limit = Number(q.get('limit') ?? 50)
      list = list.slice(offset, offset + limit + 1)
      const more = list.length > limit
      return json(200, { items: list.slice(0, limit), next_cursor: more ? String(offset + limit) : null })
    }

    const at = tasks.findIndex((t) => t.id === id)
    const task = tasks[at]
    if (!task) return problem(404, { title: 'Not Found', detail: 'No such task' })
    if (complete) {
      const completed = typeof body.completed === 'boolean' ? body.completed : !task.completed
      tasks[at] = { ...task, completed, completed_at: completed ? new Date().toISOString() : null }
      return json(200, tasks[at])
    }
    if (req.method === 'GET') return json(200, task)
    if (req.method === 'DELETE') {
      tasks.splice(at, 1)
      return new Response(null, { status: 204 })
    }
    if (req.method === 'PUT') {
      const errors = validate(body)
      if (errors.length) return invalid(errors)
      tasks[at] = { ...task, ...(body as Partial<Task>), updated_at: new Date().toISOString() }
      return json(200, tasks[at])
    }
    throw new Error(`Unexpected request: ${req.method} ${req.path}`)
  }

  const fetchMock = vi.fn(async (input: string, init?: RequestInit) => {
    const url = new URL(input, 'http://localhost')
    const req: SentRequest = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    }
    requests.push(req)
    return handle(req)
  })
  vi.stubGlobal('fetch', fetchMock)

  return {
    tasks,
    requests,
    fetchMock,
    /** Answer matching requests yourself (return undefined to let the server answer). */
    intercept(fn: Interceptor) {
      interceptors.push(fn)
    },
    /** Requests to the task API with this method (and path suffix, e.g. "/complete"). */
    sent(method: string, suffix = '') {
      return requests.filter((r) => r.method === method && r.path.includes('/tasks') && r.path.endsWith(suffix))
    },
    /** The query of the latest list request. */
    lastListQuery(): URLSearchParams {
      const lists = requests.filter((r) => r.method === 'GET' && /\/tasks$/.test(r.path))
      const last = lists.at(-1)
      if (!last) throw new Error('no list request yet')
      return last.query
    },
  }
}

/**
 * The signed-in user's tasks (API.md "Task API"): every task URL is built here, and only here.
 * `tasksApi(userId)` gives the calls for one owner; the API answers 404 for anyone else's task.
 */
import { api } from './api'
import type { Task, TaskInput, TaskList, TaskPatch } from './types'

export type TasksApi = ReturnType<typeof tasksApi>

export function tasksApi(userId: string) {
  const list = `/api/${encodeURIComponent(userId)}/tasks`
  const one = (id: string) => `${list}/${encodeURIComponent(id)}`
  return {
    /** One page of the list; `query` is a list query string (lib/task-query.ts `toApiQuery`). */
    list: (query: string, signal?: AbortSignal) => api<TaskList>(`${list}?${query}`, { signal }),
    create: (input: TaskInput) => api<Task>(list, { method: 'POST', body: input }),
    read: (id: string, signal?: AbortSignal) => api<Task>(one(id), { signal }),
    /** Replaces every editable field. */
    update: (id: string, input: TaskInput) => api<Task>(one(id), { method: 'PUT', body: input }),
    /** Changes only the fields given. */
    patch: (id: string, patch: TaskPatch) => api<Task>(one(id), { method: 'PATCH', body: patch }),
    complete: (id: string, completed: boolean) =>
      api<Task>(`${one(id)}/complete`, { method: 'PATCH', body: { completed } }),
    remove: (id: string) => api<void>(one(id), { method: 'DELETE' }),
    /**
     * A delete that outlives the page (closing or reloading the tab): `keepalive`, with the session
     * cookie, since the in-memory access token is not reachable from a pagehide handler (nor needed).
     */
    removeOnUnload: (id: string) => {
      fetch(one(id), { method: 'DELETE', credentials: 'same-origin', keepalive: true }).catch(() => {})
    },
  }
}

'use client'

/**
 * Create and complete, shown at once: a new task appears (marked as saving) before the API has
 * it, a toggle flips before the API answers. When the API refuses, the change is rolled back and
 * `notify` says so; a create's field errors go back to the form instead.
 */
import { type Dispatch, type SetStateAction, useRef, useState } from 'react'
import { useMounted } from '@/components/ui/use-mounted'
import { ApiError, asApiError, errorMessage } from '@/lib/api'
import { TASK_FIELDS } from '@/lib/task-form'
import type { TasksApi } from '@/lib/tasks-api'
import type { Task, TaskInput, User } from '@/lib/types'
import { taskWriteRefusal } from './task-write-refusal'

const withId = (set: ReadonlySet<string>, id: string) => new Set(set).add(id)
export const withoutId = (set: ReadonlySet<string>, id: string) => {
  const next = new Set(set)
  next.delete(id)
  return next
}

const isFormField = (field: string) => TASK_FIELDS.some((f) => field === f || field.startsWith(`${f}.`))

/** The task as the API will most likely store it, to show until it answers. */
function draftOf(input: TaskInput, id: string, userId: string): Task {
  const stamp = new Date().toISOString()
  return {
    id,
    user_id: userId,
    title: input.title.trim(),
    description: input.description ?? '',
    completed: false,
    priority: input.priority ?? 'medium',
    tags: [...new Set((input.tags ?? []).map((t) => t.toLowerCase()))],
    due_at: input.due_at ?? null,
    completed_at: null,
    created_at: stamp,
    updated_at: stamp,
  }
}

export function useOptimisticTasks(
  tasks: TasksApi | null,
  user: User | null,
  setItems: Dispatch<SetStateAction<Task[]>>,
  notify: (text: string) => void,
  /** Tells the list loader about tasks added here (use-task-pages.ts), so a load in flight keeps them. */
  added: { keepAdded(task: Task): void; forgetAdded(id: string): void } = { keepAdded() {}, forgetAdded() {} },
) {
  const [saving, setSaving] = useState<ReadonlySet<string>>(new Set())
  const mounted = useMounted()
  const toggling = useRef(new Set<string>())
  const tempSeq = useRef(0)

  const replaceTask = (saved: Task) => setItems((prev) => prev.map((t) => (t.id === saved.id ? saved : t)))
  const patchTask = (id: string, patch: Partial<Task>) =>
    setItems((prev) => prev.map((t) => (t.id === id ? { ...t, ...patch } : t)))
  const removeTask = (id: string) => setItems((prev) => prev.filter((t) => t.id !== id))

  /** Resolves to the API's refusal (for the form to show), or null once the task is saved. */
  async function create(input: TaskInput): Promise<ApiError | null> {
    if (!tasks || !user) return null
    const title = input.title.trim()
    // A blank title is refused by the API: nothing to show meanwhile.
    const tempId = title !== '' ? `new-${++tempSeq.current}` : null
    if (tempId) {
      const draft = draftOf(input, tempId, user.id)
      added.keepAdded(draft)
      setItems((prev) => [draft, ...prev])
      setSaving((s) => withId(s, tempId))
    }
    const dropTemp = () => {
      if (tempId) setSaving((s) => withoutId(s, tempId))
      if (tempId) added.forgetAdded(tempId)
    }
    try {
      const saved = await tasks.create(input)
      added.keepAdded(saved)
      if (mounted.current) {
        setItems((prev) => {
          const rest = prev.filter((t) => t.id !== tempId && t.id !== saved.id)
          const at = prev.findIndex((t) => t.id === tempId)
          if (at < 0) return [saved, ...rest]
          return [...rest.slice(0, at), saved, ...rest.slice(at)]
        })
        dropTemp()
        notify(`Added “${saved.title}”.`)
      }
      return null
    } catch (err) {
      const error = asApiError(err)
      if (mounted.current) {
        if (tempId) removeTask(tempId)
        dropTemp()
        if (!error.errors.some(({ field }) => isFormField(field))) {
          // The draft is back in the form (task-create-form.tsx): nothing typed is lost.
          const message = taskWriteRefusal(error)
          notify(title ? `Couldn't add “${title}”. ${message}` : message)
        }
      }
      return error
    }
  }

  async function toggle(task: Task, completed: boolean) {
    if (!tasks || toggling.current.has(task.id)) return
    toggling.current.add(task.id)
    patchTask(task.id, { completed, completed_at: completed ? new Date().toISOString() : null })
    try {
      const saved = await tasks.complete(task.id, completed)
      if (mounted.current) {
        replaceTask(saved)
        notify(completed ? `Completed “${saved.title}”.` : `“${saved.title}” is not done.`)
      }
    } catch (err) {
      if (!mounted.current) return
      if (err instanceof ApiError && err.status === 404) {
        removeTask(task.id)
        notify(`“${task.title}” no longer exists. It may have been deleted elsewhere.`)
      } else {
        patchTask(task.id, { completed: task.completed, completed_at: task.completed_at })
        const message = err instanceof ApiError ? taskWriteRefusal(err) : errorMessage(err)
        notify(`Couldn't mark “${task.title}” as ${completed ? 'done' : 'not done'}. ${message}`)
      }
    } finally {
      toggling.current.delete(task.id)
    }
  }

  return { saving, create, toggle }
}

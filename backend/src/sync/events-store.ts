/**
 * Reading the events the triggers of migration 0007 keep (decision 030): a user's newest position,
 * the events after a position, and the event a stream writes for a stored row. A position is a
 * bigint (microseconds by the database's clock); on the wire it is its decimal text.
 */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { syncEvent, syncPosition, type TaskRow } from '../db/schema.js'
import { toTaskJson } from '../tasks/queries.js'
import type { SyncEvent } from './feed.js'

export type StoredEvent = {
  position: number
  /** The user's position before it (0 before their first event). */
  previous: number
  kind: string
  taskId: string | null
  task: unknown
  /** Whether it is younger than the replay age bound (by the database's clock). */
  fresh: boolean
}

/** The user's newest position; 0 when they never had an event. */
export async function newestPosition(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ position: syncPosition.position })
    .from(syncPosition)
    .where(eq(syncPosition.userId, userId))
  return row?.position ?? 0
}

/** The newest positions of these users (those who never had an event are left out). */
export async function newestPositions(db: Db, userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map()
  const rows = await db
    .select({ userId: syncPosition.userId, position: syncPosition.position })
    .from(syncPosition)
    .where(inArray(syncPosition.userId, userIds))
  return new Map(rows.map((row) => [row.userId, row.position]))
}

/** The user's events after `position`, oldest first, at most `limit`. */
export async function eventsAfter(
  db: Db,
  userId: string,
  position: number,
  limit: number,
  replaySeconds: number,
): Promise<StoredEvent[]> {
  return db
    .select({
      position: syncEvent.position,
      previous: syncEvent.previous,
      kind: syncEvent.kind,
      taskId: syncEvent.taskId,
      task: syncEvent.task,
      fresh: sql<boolean>`${syncEvent.createdAt} >= clock_timestamp() - make_interval(secs => ${replaySeconds})`,
    })
    .from(syncEvent)
    .where(and(eq(syncEvent.userId, userId), gt(syncEvent.position, position)))
    .orderBy(asc(syncEvent.position))
    .limit(limit)
}

/** A position as an id, and back: ids are opaque to clients, so anything else is simply not one. */
export const idOf = (position: number): string => String(position)

export function positionOf(id: string | undefined): number | undefined {
  if (id === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(id)) return undefined
  const position = Number(id)
  return Number.isSafeInteger(position) ? position : undefined
}

/**
 * The event a stream writes for a stored one. The task is the row as `to_jsonb` wrote it (column
 * names), given to the serializer GET uses, so both say the same. A row that cannot be read as a
 * task (an operator wrote a date JavaScript cannot hold) becomes `tasks.changed`: refetch.
 */
export function toSyncEvent(stored: StoredEvent): SyncEvent {
  const id = idOf(stored.position)
  switch (stored.kind) {
    case 'task.created':
    case 'task.updated': {
      const task = taskOf(stored.task)
      return task ? { id, event: stored.kind, data: { task: toTaskJson(task) } } : changed(id)
    }
    case 'task.deleted':
      return stored.taskId === null ? changed(id) : { id, event: 'task.deleted', data: { id: stored.taskId } }
    case 'account.deleted':
      return { id, event: 'account.deleted', data: {} }
    default:
      return changed(id)
  }
}

const changed = (id: string): SyncEvent => ({ id, event: 'tasks.changed', data: {} })

/** The stored task row (snake_case, timestamps as text) as Drizzle reads a `task` row; undefined if it is not one. */
function taskOf(stored: unknown): TaskRow | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined
  const row = stored as Record<string, unknown>
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
  const date = (value: unknown) => {
    const at = typeof value === 'string' ? new Date(value) : undefined
    return at && !Number.isNaN(at.getTime()) ? at : undefined
  }
  const optionalDate = (value: unknown) => (value === null ? null : date(value))
  const task = {
    id: text(row.id),
    userId: text(row.user_id),
    title: text(row.title),
    description: text(row.description),
    completed: typeof row.completed === 'boolean' ? row.completed : undefined,
    priority: typeof row.priority === 'number' ? row.priority : undefined,
    tags:
      Array.isArray(row.tags) && row.tags.every((tag) => typeof tag === 'string') ? (row.tags as string[]) : undefined,
    dueAt: optionalDate(row.due_at),
    completedAt: optionalDate(row.completed_at),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  }
  return Object.values(task).some((value) => value === undefined) ? undefined : (task as TaskRow)
}

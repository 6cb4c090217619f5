/**
 * Every task write. Each takes the owner's id and scopes by it in SQL, as the reads do
 * (queries.ts): another user's task is never changed or counted.
 */
import { randomUUID } from 'node:crypto'
import { and, eq, getTableColumns, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { type TaskRow, task } from '../db/schema.js'
import { impossibleId, PRIORITY_VALUE } from './queries.js'
import type { TaskInput, TaskPatch } from './schemas.js'
import type { InTransaction } from './transactions.js'

function editableColumns(input: Partial<TaskInput>) {
  return {
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.priority !== undefined ? { priority: PRIORITY_VALUE[input.priority] } : {}),
    ...(input.tags !== undefined ? { tags: input.tags } : {}),
    ...(input.due_at !== undefined ? { dueAt: input.due_at } : {}),
  }
}

/** Advisory locks of the task quota: this class, and a hash of the user id (two-key form, apart from others). */
const QUOTA_LOCK_CLASS = 0x7461736b // "task"

/**
 * How creates keep to the task quota on this database (limits.ts). On PostgreSQL, parallel
 * creates for one user, from any instance, take a transaction-scoped lock in turn. PGlite is one
 * connection whose statements run one at a time, so there a create is one statement: a single trip
 * to its thread, which holds the database only while it runs (decision 027).
 */
export type QuotaGuard = { inTransaction: InTransaction } | { statementsRunAlone: Db }

/**
 * Creates a task unless the user already holds `maxTasks`; undefined then. Race-free: on
 * PostgreSQL the count runs after the user's lock is held (a new snapshot per statement), so
 * parallel creates cannot overshoot; on PGlite nothing runs beside the statement.
 */
export async function createTask(
  guard: QuotaGuard,
  userId: string,
  input: TaskInput,
  maxTasks: number,
): Promise<TaskRow | undefined> {
  if ('statementsRunAlone' in guard) return insertUnlessFull(guard.statementsRunAlone, userId, input, maxTasks)
  return guard.inTransaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${QUOTA_LOCK_CLASS}, hashtext(${userId}))`)
    return insertUnlessFull(tx, userId, input, maxTasks)
  })
}

/**
 * One statement: the new row, unless the user holds `maxTasks` already. The count stops at
 * `maxTasks`, so it costs at most that many index entries.
 */
async function insertUnlessFull(
  db: Db,
  userId: string,
  input: TaskInput,
  maxTasks: number,
): Promise<TaskRow | undefined> {
  const now = new Date()
  const newRow: TaskRow = {
    id: randomUUID(),
    userId,
    title: input.title,
    description: input.description,
    completed: false,
    priority: PRIORITY_VALUE[input.priority],
    tags: input.tags,
    dueAt: input.due_at,
    completedAt: null,
    createdAt: now,
    updatedAt: now,
  }
  // INSERT … SELECT names every column in the table's order; each value is a parameter mapped
  // as the column maps it, cast to the column's type (a bare parameter in a SELECT list is text).
  const values = Object.entries(getTableColumns(task)).map(
    ([key, column]) => sql`${sql.param(newRow[key as keyof TaskRow], column)}::${sql.raw(column.getSQLType())}`,
  )
  const held = sql`select 1 from ${task} where ${task.userId} = ${userId} limit ${maxTasks}`
  const [row] = await db
    .insert(task)
    .select(sql`select ${sql.join(values, sql`, `)} where (select count(*) from (${held}) as held) < ${maxTasks}`)
    .returning()
  return row
}

/** PUT and PATCH: the given editable fields change; undefined when there is no such task. */
export async function updateTask(
  db: Db,
  userId: string,
  id: string,
  changes: TaskInput | TaskPatch,
): Promise<TaskRow | undefined> {
  if (impossibleId(id)) return undefined
  const [row] = await db
    .update(task)
    .set({ ...editableColumns(changes), updatedAt: new Date() })
    .where(and(eq(task.userId, userId), eq(task.id, id)))
    .returning()
  return row
}

/** Sets completion, or toggles it when `completed` is undefined; one atomic statement. */
export async function setCompletion(
  db: Db,
  userId: string,
  id: string,
  completed: boolean | undefined,
): Promise<TaskRow | undefined> {
  if (impossibleId(id)) return undefined
  const now = new Date()
  const target = completed === undefined ? sql`not ${task.completed}` : sql`${completed}::boolean`
  const [row] = await db
    .update(task)
    .set({
      completed: target,
      // Completing a completed task keeps its original completion time.
      completedAt: sql`case when ${target} then coalesce(${task.completedAt}, ${now}::timestamptz) else null end`,
      updatedAt: now,
    })
    .where(and(eq(task.userId, userId), eq(task.id, id)))
    .returning()
  return row
}

export async function deleteTask(db: Db, userId: string, id: string): Promise<boolean> {
  if (impossibleId(id)) return false
  const rows = await db
    .delete(task)
    .where(and(eq(task.userId, userId), eq(task.id, id)))
    .returning({ id: task.id })
  return rows.length > 0
}

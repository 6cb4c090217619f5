/**
 * Every task read (writes.ts has the writes). Each takes the owner's id and scopes by it in SQL:
 * another user's task is never read, changed or counted, not even to be filtered out afterwards.
 */
import { and, asc, type Column, desc, eq, gt, gte, ilike, isNull, lt, or, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { type TaskRow, task } from '../db/schema.js'
import type { Cursor, CursorKey } from './cursor.js'
import type { ListQuery, Priority, Sort, TaskJson } from './schemas.js'
import { type SearchSlice, searchInSlices } from './search-slices.js'
import type { InTransaction } from './transactions.js'

export const PRIORITY_VALUE: Record<Priority, number> = { low: 0, medium: 1, high: 2 }
const PRIORITY_NAME: readonly Priority[] = ['low', 'medium', 'high']

export function toTaskJson(row: TaskRow): TaskJson {
  return {
    id: row.id,
    user_id: row.userId,
    title: row.title,
    description: row.description,
    completed: row.completed,
    priority: PRIORITY_NAME[row.priority] ?? 'medium',
    tags: row.tags,
    due_at: row.dueAt?.toISOString() ?? null,
    completed_at: row.completedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  }
}

const SORT_COLUMN = {
  created_at: task.createdAt,
  updated_at: task.updatedAt,
  due_at: task.dueAt,
  priority: task.priority,
  title: task.title,
} as const

/** The cursor key of a row for a sort: what `keysetAfter` compares against. */
function sortKey(row: TaskRow, sort: Sort): CursorKey {
  switch (sort) {
    case 'created_at':
      return row.createdAt.toISOString()
    case 'updated_at':
      return row.updatedAt.toISOString()
    case 'due_at':
      return row.dueAt?.toISOString() ?? null
    case 'priority':
      return row.priority
    case 'title':
      return row.title
  }
}

function keyValue(sort: Sort, key: CursorKey): Date | number | string | null {
  if (key === null) return null
  return sort === 'created_at' || sort === 'updated_at' || sort === 'due_at' ? new Date(key) : key
}

/**
 * Rows strictly after (key, id) in the list's order; tasks without `due_at` come last either
 * way. `key` and `id` are values, or placeholders in a prepared statement.
 */
function keysetAfter(sort: Sort, order: 'asc' | 'desc', key: unknown, id: unknown): SQL | undefined {
  const column = SORT_COLUMN[sort]
  // One comparison over a union of column types: typed loosely here, checked by the tests.
  const beyond = (order === 'asc' ? gt : lt) as unknown as Compare
  const equal = eq as unknown as Compare
  if (key === null) return and(isNull(column), beyond(task.id, id))
  const after = or(beyond(column, key), and(equal(column, key), beyond(task.id, id)))
  return sort === 'due_at' ? or(after, isNull(column)) : after
}

type Compare = (left: Column, right: unknown) => SQL

export function listOrder(sort: Sort, order: 'asc' | 'desc') {
  const column = SORT_COLUMN[sort]
  const direction = order === 'asc' ? asc : desc
  const byKey = sort === 'due_at' ? sql`${column} ${sql.raw(order)} nulls last` : direction(column)
  return [byKey, direction(task.id)] as const
}

const isUnfiltered = (o: Omit<ListOptions, 'cursor'>) =>
  o.status === 'all' && !o.q && !o.priority && !o.tag?.length && !o.due_before && !o.due_after

type CursorKind = 'none' | 'key' | 'null'

/**
 * Unfiltered lists (by far the most common) use one prepared statement per sort, order and
 * cursor kind: neither we nor PostgreSQL build and plan the SQL again for every request.
 */
function preparedList(db: Db, sort: Sort, order: 'asc' | 'desc', cursor: CursorKind) {
  let statements = preparedLists.get(db)
  if (!statements) {
    statements = new Map()
    preparedLists.set(db, statements)
  }
  const name = `task_list_${sort}_${order}_${cursor}`
  let statement = statements.get(name)
  if (!statement) {
    const after =
      cursor === 'none'
        ? undefined
        : keysetAfter(sort, order, cursor === 'null' ? null : sql.placeholder('key'), sql.placeholder('id'))
    statement = db
      .select()
      .from(task)
      .where(and(eq(task.userId, sql.placeholder('userId')), after))
      .orderBy(...listOrder(sort, order))
      .limit(sql.placeholder('limit'))
      .prepare(name)
    statements.set(name, statement)
  }
  return statement
}
type PreparedList = { execute(values: Record<string, unknown>): Promise<TaskRow[]> }
const preparedLists = new WeakMap<Db, Map<string, PreparedList>>()

/** `%`, `_` and `\` in a search are literal characters (API.md). */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

export type ListOptions = Omit<ListQuery, 'cursor'> & { cursor: Cursor | undefined }

/** The list query itself (also used by the benchmark's bare baseline, to run the same SQL). */
export function listTasksQuery(db: Db, userId: string, options: ListOptions) {
  return db
    .select()
    .from(task)
    .where(listWhere(userId, options))
    .orderBy(...listOrder(options.sort, options.order))
    .limit(options.limit + 1)
}

/** The list's conditions: the owner, the filters and the cursor. */
export function listWhere(userId: string, options: ListOptions): SQL | undefined {
  const { sort, order } = options
  const where: (SQL | undefined)[] = [eq(task.userId, userId)]
  if (options.status !== 'all') where.push(eq(task.completed, options.status === 'completed'))
  if (options.q) {
    const pattern = `%${escapeLike(options.q)}%`
    // The concatenation is what the trigram index covers; the second test keeps a match
    // from spanning the end of the title and the start of the description.
    where.push(sql`(${task.title} || ' ' || ${task.description}) ilike ${pattern}`)
    where.push(or(ilike(task.title, pattern), ilike(task.description, pattern)))
  }
  if (options.priority) where.push(eq(task.priority, PRIORITY_VALUE[options.priority]))
  if (options.tag?.length) where.push(sql`${task.tags} @> ${sql.param(options.tag)}::text[]`)
  if (options.due_before) where.push(lt(task.dueAt, options.due_before))
  if (options.due_after) where.push(gte(task.dueAt, options.due_after))
  const { cursor } = options
  if (cursor) where.push(keysetAfter(sort, order, keyValue(sort, cursor.key), cursor.id))
  return and(...where)
}

/** PostgreSQL's query_canceled: what a statement past its `statement_timeout` fails with. */
const QUERY_CANCELED = '57014'

/** Whether `err`, or an error it wraps (Drizzle wraps the driver's), is a statement that ran out of time. */
export function isStatementTimeout(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.code === QUERY_CANCELED) return true
    e = e.cause as typeof e
  }
  return false
}

/**
 * Runs `work` in a transaction whose statements may each take `timeoutMs` at most. The setting
 * is `SET LOCAL` (set_config's third argument), so it ends with the transaction and never stays
 * on a pooled connection, nor on a server connection shared through PgBouncer in transaction
 * mode. PGlite accepts it but cannot interrupt a statement: its bound is the task quota.
 */
export function withStatementTimeout<T>(
  inTransaction: InTransaction,
  timeoutMs: number,
  work: (tx: Db) => Promise<T>,
): Promise<T> {
  return inTransaction(async (tx) => {
    await tx.execute(sql`select set_config('statement_timeout', ${String(timeoutMs)}, true)`)
    return work(tx)
  })
}

/**
 * Whether a list runs the general query, the one without a dedicated index for every filter and
 * sort: searches scan every task of the user's that the other filters leave.
 */
export const isFiltered = (o: Omit<ListOptions, 'cursor'>) => !isUnfiltered(o)

/**
 * How a filtered list is bounded: a statement timeout (PostgreSQL), or, where statements cannot
 * be interrupted (PGlite), searches run a slice of the user's tasks at a time (search-slices.ts).
 */
export type ListBound = { statementTimeoutMs: number; inTransaction: InTransaction } | { searchSlice: SearchSlice }

/**
 * A page of the list. Filtered lists run under their bound; unfiltered ones follow an index and
 * stop after the page.
 */
export async function listTasks(db: Db, userId: string, options: ListOptions, bound?: ListBound) {
  const { sort, order, limit, cursor } = options
  let rows: TaskRow[]
  if (isUnfiltered(options)) {
    const kind: CursorKind = !cursor ? 'none' : cursor.key === null ? 'null' : 'key'
    // Timestamps go in as ISO text: a placeholder is not encoded by its column.
    rows = await preparedList(db, sort, order, kind).execute({
      userId,
      limit: limit + 1,
      key: cursor?.key,
      id: cursor?.id,
    })
  } else if (bound && 'statementTimeoutMs' in bound) {
    rows = await withStatementTimeout(bound.inTransaction, bound.statementTimeoutMs, (tx) =>
      listTasksQuery(tx, userId, options),
    )
  } else if (bound && options.q) {
    rows = await searchInSlices(db, userId, options, bound.searchSlice)
  } else {
    rows = await listTasksQuery(db, userId, options)
  }
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const next = rows.length > limit && last ? { sort, order, key: sortKey(last, sort), id: last.id } : undefined
  return { rows: page, next }
}

/** PostgreSQL text cannot hold NUL, so no task has such an id; asking would be an error, not a miss. */
export const impossibleId = (id: string) => id.includes('\u0000')

export async function findTask(db: Db, userId: string, id: string): Promise<TaskRow | undefined> {
  if (impossibleId(id)) return undefined
  const [row] = await db
    .select()
    .from(task)
    .where(and(eq(task.userId, userId), eq(task.id, id)))
  return row
}

/**
 * A search over a large account, a slice of its tasks at a time, for PGlite. PGlite runs SQL on
 * the event loop and cannot interrupt a statement, so one search over a full account (the
 * quota's worth of the largest tasks: about 0.2 s) would hold every other request that long,
 * `/healthz` included, and nothing like a statement timeout can cut it short. In slices of
 * `rows` tasks (in the order they were created), with a turn of the event loop between two, no
 * statement of a search takes more than a slice's worth, and other users' requests and queries
 * run in between. PostgreSQL runs searches in one statement under a timeout instead.
 *
 * Each slice gives the ids of its best `limit + 1` matches in the list's order, which are ranked
 * with the best so far (by primary key, no search again), so the candidates never outgrow a page;
 * the database alone compares values (its collation, not JavaScript's). A last statement reads
 * the best and applies every condition again, so a task changed since its slice was read is
 * shown as it is now (or left out if it no longer matches: that page may then come out short).
 * A task is in exactly one slice, as slices are cut by creation time and id, which never change;
 * one created meanwhile may be missed, as if the search had come just before it.
 */
import { and, desc, eq, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { type TaskRow, task } from '../db/schema.js'
import { type ListOptions, listOrder, listTasksQuery, listWhere } from './queries.js'

export type SearchSlice = {
  /** Tasks per slice. */
  rows: number
  /** Waits between two slices (a turn of the event loop, so other requests run). */
  between(): Promise<void>
}

type Edge = { createdAt: Date; id: string }

/** One array parameter rather than one per id: cheaper to build, send and plan. */
const idIn = (ids: string[]) => sql`${task.id} = any(${sql.param(ids)}::text[])`

/**
 * Tasks created before `edge`, in the index's order (newest first). The plain `created_at`
 * bound lets the index start at the edge; the row comparison settles ties.
 */
const olderThan = (edge: Edge) => {
  const at = edge.createdAt.toISOString()
  return and(
    sql`${task.createdAt} <= ${at}::timestamptz`,
    sql`(${task.createdAt}, ${task.id}) < (${at}::timestamptz, ${edge.id})`,
  )
}

/** The best `limit + 1` of `ids` in the list's order. */
async function best(db: Db, userId: string, options: ListOptions, ids: string[]): Promise<string[]> {
  if (ids.length <= options.limit + 1) return ids
  const rows = await db
    .select({ id: task.id })
    .from(task)
    .where(and(eq(task.userId, userId), idIn(ids)))
    .orderBy(...listOrder(options.sort, options.order))
    .limit(options.limit + 1)
  return rows.map((r) => r.id)
}

export async function searchInSlices(db: Db, userId: string, options: ListOptions, slice: SearchSlice) {
  let candidates: string[] = []
  let newer: Edge | undefined // the last task of the slice before
  for (;;) {
    // The slice: the next `rows` tasks along the index, so no statement reads more than that.
    const tasks = await db
      .select({ createdAt: task.createdAt, id: task.id })
      .from(task)
      .where(and(eq(task.userId, userId), newer ? olderThan(newer) : undefined))
      .orderBy(desc(task.createdAt), desc(task.id))
      .limit(slice.rows)
    if (!newer && tasks.length < slice.rows) return listTasksQuery(db, userId, options) // one slice's worth at most
    if (tasks.length > 0) {
      const matches = await db
        .select({ id: task.id })
        .from(task)
        .where(and(listWhere(userId, options), idIn(tasks.map((t) => t.id))))
        .orderBy(...listOrder(options.sort, options.order))
        .limit(options.limit + 1)
      candidates = await best(db, userId, options, [...candidates, ...matches.map((r) => r.id)])
    }
    newer = tasks.at(-1)
    if (tasks.length < slice.rows || !newer) break
    await slice.between()
  }
  if (candidates.length === 0) return [] as TaskRow[]
  return db
    .select()
    .from(task)
    .where(and(listWhere(userId, options), idIn(candidates)))
    .orderBy(...listOrder(options.sort, options.order))
    .limit(options.limit + 1)
}

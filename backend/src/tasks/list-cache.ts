/**
 * Task-list pages kept in memory, already serialised, per user (decision 010).
 *
 * Never stale, on any number of instances: the database bumps a user's version in the same
 * transaction as every write to their tasks (a trigger), and a page is served only if the
 * version read at the start of this request equals the one read before the page was built.
 * A write acknowledged before a request starts is committed, so that request reads the new
 * version and rebuilds. (A write that lands while a page is being built leaves the page
 * stamped with the older version, so the next request rebuilds it too.)
 *
 * What it saves: a hit costs one primary-key lookup instead of the list query (shared with the
 * other requests waiting at that moment), and no row parsing, mapping or JSON encoding.
 */
import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { batchedReads } from '../db/batched-reads.js'
import type { Db } from '../db/client.js'
import { taskListVersion } from '../db/schema.js'

export type ListCache = {
  /**
   * The user's current version, read from the database (0 before their first write) by a read
   * sent after this call (batched-reads.ts: concurrent calls share one query).
   */
  version(userId: string): Promise<number>
  /** The page for `key` (a digest of the query, see `pageKey`) if it was built at `version`. */
  get(userId: string, version: number, key: string): string | undefined
  /** Keeps `body` for `key`, built from data read at or after `version`. */
  set(userId: string, version: number, key: string, body: string): void
  /** Bytes held now (for tests and metrics). */
  size(): number
}

type UserPages = { version: number; pages: Map<string, string>; bytes: number }

/** A page bigger than this is not worth holding (100 full tasks are ~150 KB). */
const MAX_PAGE_BYTES = 256 * 1024
/** Pages kept per user: a client paging or filtering without end cannot hoard memory. */
const MAX_PAGES_PER_USER = 32
/** What a page costs besides its body: its key (a 44-character digest) and the map entry. */
const PAGE_OVERHEAD_BYTES = 256

/** What holding `body` costs: UTF-16 in memory, plus the overhead. */
const pageCost = (body: string) => body.length * 2 + PAGE_OVERHEAD_BYTES

/** The cache key of a validated list query: a fixed-size digest, however long the query. */
export function pageKey(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64')
}

export function createListCache(db: Db, maxBytes: number): ListCache {
  // Insertion order is recency order: a user read again moves to the end; the oldest go first.
  const users = new Map<string, UserPages>()
  let total = 0
  const versionsQuery = db
    .select({ userId: taskListVersion.userId, version: taskListVersion.version })
    .from(taskListVersion)
    .where(sql`${taskListVersion.userId} = any(${sql.placeholder('userIds')}::text[])`)
    .prepare('task_list_versions')
  const version = batchedReads(async (userIds: string[]) => {
    const rows = await versionsQuery.execute({ userIds })
    return new Map(rows.map((row) => [row.userId, row.version]))
  }, 0)

  const drop = (userId: string, entry: UserPages) => {
    users.delete(userId)
    total -= entry.bytes
  }
  const forget = (entry: UserPages, key: string, body: string) => {
    entry.pages.delete(key)
    entry.bytes -= pageCost(body)
    total -= pageCost(body)
  }

  return {
    version,

    get(userId, version, key) {
      const entry = users.get(userId)
      if (!entry) return undefined
      if (entry.version !== version) {
        drop(userId, entry)
        return undefined
      }
      users.delete(userId) // most recently used last
      users.set(userId, entry)
      return entry.pages.get(key)
    },

    set(userId, version, key, body) {
      const bytes = pageCost(body)
      if (maxBytes === 0 || bytes > MAX_PAGE_BYTES) return
      let entry = users.get(userId)
      if (entry && entry.version > version) return // built from older data than what is held
      if (entry && entry.version < version) {
        drop(userId, entry)
        entry = undefined
      }
      if (!entry) {
        entry = { version, pages: new Map(), bytes: 0 }
        users.set(userId, entry)
      }
      const previous = entry.pages.get(key)
      if (previous !== undefined) forget(entry, key, previous)
      else if (entry.pages.size >= MAX_PAGES_PER_USER) {
        const [oldestKey, oldest] = entry.pages.entries().next().value as [string, string]
        forget(entry, oldestKey, oldest)
      }
      entry.pages.set(key, body)
      entry.bytes += bytes
      total += bytes
      for (const [oldest, old] of users) {
        if (total <= maxBytes) break
        drop(oldest, old)
      }
    },

    size: () => total,
  }
}

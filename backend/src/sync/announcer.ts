/**
 * Announces the API's own task writes to live sync (decision 030), instead of a NOTIFY in each
 * write's transaction.
 *
 * PostgreSQL serialises the commits of all transactions that NOTIFY: one lock, held through the
 * commit's flush to disk. A NOTIFY in every task write therefore capped all writes, of every user,
 * at one per disk flush (measured: 20 connections over 50 users, 1,390 inserts/s without it, 225
 * with it). So the server names its pool's connections API_APPLICATION_NAME, migration 0009's
 * trigger leaves their writes unannounced, and this module announces them once they have
 * committed: at once to this instance's feed, and to the other instances in one NOTIFY
 * transaction for all users written meanwhile — at most one in flight, so a burst of writes
 * costs a few commits, not one each. Writes by any other connection (an operator's SQL, another
 * tool, a pool that is not named) are still announced by the trigger itself.
 */
import { sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Database } from '../db/client.js'
import type { Feed } from './feed.js'
import { SYNC_CHANNEL } from './feed-listener.js'

/** The pool's `application_name` whose writes the trigger leaves to this module (migration 0009). */
export const API_APPLICATION_NAME = 'taskwell api'
/** A NOTIFY that failed (the database is restarting) is tried again after this long. */
const RETRY_MS = 500

export type Announcer = {
  /** This user's events committed through the API's pool: tell every instance. */
  changed(userId: string): void
  /** Waits for the NOTIFY in flight, if any; later changes are not announced. */
  close(): Promise<void>
}

export function createAnnouncer(deps: { database: Database; feed: Feed; log: Logger }): Announcer {
  const { database, feed, log } = deps
  // The trigger announces what this pool writes unless the pool carries the name.
  const triggerIsSilent = database.driver === 'pg' && database.poolApplicationName === API_APPLICATION_NAME
  const pending = new Set<string>()
  let sending: Promise<void> | undefined
  let retry: NodeJS.Timeout | undefined
  let closed = false

  const send = () => {
    if (sending || closed || pending.size === 0) return
    const userIds = [...pending]
    pending.clear()
    sending = (async () => {
      try {
        // One statement, so one transaction: one serialised commit for all of them.
        await database.db.execute(
          sql`select pg_notify(${SYNC_CHANNEL}, user_id) from unnest(${sql.param(userIds)}::text[]) as user_id`,
        )
      } catch (err) {
        for (const userId of userIds) pending.add(userId)
        log.warn({ err }, 'live sync could not tell the other instances of a write; trying again')
        retry ??= setTimeout(() => {
          retry = undefined
          send()
        }, RETRY_MS)
        retry.unref()
      } finally {
        sending = undefined
      }
      if (!retry) send()
    })()
  }

  return {
    changed(userId) {
      feed.heard(userId)
      if (!triggerIsSilent || closed) return
      pending.add(userId)
      send()
    },
    async close() {
      closed = true
      clearTimeout(retry)
      await sending
    },
  }
}

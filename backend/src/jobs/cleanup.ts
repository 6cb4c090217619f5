/**
 * The cleanup job (decision 019): every CLEANUP_INTERVAL_SECONDS it deletes what has run out, so
 * tables that grow with use stay the size of what is live. Expired sessions (either end passed:
 * their access tokens died with them, tokens.ts caps `exp`), rate-limit counters whose window
 * ended, second-step and passkey challenges and Better Auth's verification tokens past their
 * expiry, security events older than AUDIT_RETENTION_DAYS, and live-sync events no stream can
 * resume from any more (decision 030).
 *
 * In batches, each its own short transaction, so no run holds many locks or a long transaction.
 * With several instances on one PostgreSQL database, a transaction-level advisory lock lets one
 * instance sweep at a time; the others find it taken and skip their turn. It starts after the
 * server, never before it answers, and a failed run is logged and tried again next time.
 */
import { inArray, lt, or, type SQL, sql } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import { auditEvent, mfaChallenge, rateLimit, session, verification, webauthnChallenge } from '../db/schema.js'

/** Rows deleted per statement: small enough that a statement is short, large enough to keep up. */
const BATCH = 1_000
/** Any 64-bit number unique among our advisory locks (migrate.ts uses its own). */
const CLEANUP_LOCK = 7_342_019_001
/** The first run waits this long after start-up (plus jitter), so starting is never slowed. */
const FIRST_RUN_DELAY_MS = 30_000

export type CleanupReport = Record<string, number>

export type Cleanup = {
  /** Sweeps every table once; how many rows each lost (empty when another instance holds the lock). */
  runOnce(): Promise<CleanupReport>
  /** Runs now and then in the background, from a while after start-up. */
  start(): void
  /** Stops the schedule and waits for a run in progress. */
  stop(): Promise<void>
}

type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0]
/** Deletes at most BATCH rows that ran out; how many it deleted. */
type Sweep = { name: string; deleteBatch: (tx: Transaction) => Promise<number> }

/** A sweep of a table whose rows run out one by one, by a condition on the row. */
function byKey(name: string, table: PgTable, key: PgColumn, expired: () => SQL): Sweep {
  return {
    name,
    async deleteBatch(tx) {
      const doomed = tx.select({ key }).from(table).where(expired()).limit(BATCH)
      return (await tx.delete(table).where(inArray(key, doomed)).returning({ key })).length
    },
  }
}

/**
 * Live-sync events (decision 030): a stream resumes after a position only while the events after
 * it are at most SYNC_REPLAY_SECONDS old and among the user's latest SYNC_REPLAY_MAX_EVENTS, so an
 * event outside either bound can serve no stream. The user's newest position outlives its event
 * (sync_position), so a stream that saw it still resumes after it.
 */
function syncEvents(sync: { replaySeconds: number; replayMaxEvents: number }): Sweep {
  return {
    name: 'sync_event',
    async deleteBatch(tx) {
      const { rows } = (await tx.execute(sql`
        with ranked as (
          select user_id, position, created_at,
            row_number() over (partition by user_id order by position desc) as newer_than
          from sync_event
        ), doomed as (
          select user_id, position from ranked
          where newer_than > ${sync.replayMaxEvents}
            or created_at < clock_timestamp() - make_interval(secs => ${sync.replaySeconds})
          limit ${BATCH}
        )
        delete from sync_event e using doomed d
        where e.user_id = d.user_id and e.position = d.position
        returning 1 as deleted`)) as unknown as { rows: unknown[] }
      return rows.length
    },
  }
}

export function createCleanup(deps: {
  db: Db
  config: Pick<Config, 'sessionMaxAgeSeconds' | 'auditRetentionDays' | 'cleanupIntervalSeconds'> & {
    sync: { replaySeconds: number; replayMaxEvents: number }
  }
  log: Logger
}): Cleanup {
  const { db, config, log } = deps
  const sweeps: Sweep[] = [
    byKey(
      'session',
      session,
      session.id,
      () =>
        or(
          lt(session.expiresAt, sql`now()`),
          lt(session.createdAt, sql`now() - make_interval(secs => ${config.sessionMaxAgeSeconds})`),
        ) as SQL,
    ),
    byKey('audit_event', auditEvent, auditEvent.id, () =>
      lt(auditEvent.createdAt, sql`now() - make_interval(days => ${config.auditRetentionDays})`),
    ),
    byKey('rate_limit', rateLimit, rateLimit.key, () => lt(rateLimit.resetAt, sql`now()`)),
    byKey('mfa_challenge', mfaChallenge, mfaChallenge.tokenHash, () => lt(mfaChallenge.expiresAt, sql`now()`)),
    byKey('webauthn_challenge', webauthnChallenge, webauthnChallenge.challenge, () =>
      lt(webauthnChallenge.expiresAt, sql`now()`),
    ),
    byKey('verification', verification, verification.id, () => lt(verification.expiresAt, sql`now()`)),
    syncEvents(config.sync),
  ]

  /** One batch of one sweep, under the lock; null when another instance holds it. */
  async function batch({ deleteBatch }: Sweep): Promise<number | null> {
    return db.transaction(async (tx) => {
      // Both drivers answer `execute` with `{ rows }`.
      const { rows } = (await tx.execute(
        sql`select pg_try_advisory_xact_lock(${CLEANUP_LOCK}) as locked`,
      )) as unknown as {
        rows: { locked: boolean }[]
      }
      if (!rows[0]?.locked) return null
      return deleteBatch(tx)
    })
  }

  async function runOnce(): Promise<CleanupReport> {
    const report: CleanupReport = {}
    for (const sweep of sweeps) {
      let total = 0
      for (;;) {
        const deleted = await batch(sweep)
        if (deleted === null) return {} // another instance is sweeping
        total += deleted
        if (deleted < BATCH) break
      }
      if (total > 0) report[sweep.name] = total
    }
    return report
  }

  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> | undefined
  let stopped = false

  const runInBackground = () => {
    if (running || stopped) return
    running = runOnce()
      .then((report) => {
        if (Object.keys(report).length > 0) log.info({ deleted: report }, 'cleanup deleted expired rows')
      })
      .catch((err: unknown) => log.warn({ err }, 'cleanup failed; trying again at the next interval'))
      .finally(() => {
        running = undefined
      })
  }

  return {
    runOnce,
    start() {
      const intervalMs = config.cleanupIntervalSeconds * 1000
      // Instances started together do not all sweep at the same moment.
      const firstMs = Math.min(intervalMs, FIRST_RUN_DELAY_MS) * (1 + Math.random())
      timer = setTimeout(function tick() {
        runInBackground()
        timer = setTimeout(tick, intervalMs)
        timer.unref()
      }, firstMs)
      timer.unref()
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}

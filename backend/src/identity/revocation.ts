/**
 * Revoked sessions, known to every instance within a second (API.md "Revocation").
 *
 * Access tokens are verified without the database, so ending a session must also be
 * announced: the session id goes into `revoked_session` (for instances that start or
 * reconnect later) and out through PostgreSQL NOTIFY (for instances running now).
 * Each instance keeps the ids in memory until every token that could carry them expired.
 * With PGlite there is one process, so the in-memory set is the whole story.
 */
import { gt, lt, sql } from 'drizzle-orm'
import pg from 'pg'
import type { Logger } from 'pino'
import type { Database } from '../db/client.js'
import { revokedSession } from '../db/schema.js'

const CHANNEL = 'taskwell_session_revoked'
/** Tokens may be verified with some clock leeway; keep ids a little past their tokens. */
const LEEWAY_MS = 60_000
const PRUNE_EVERY_MS = 60_000
/**
 * While the listener is down this instance misses revocations, so it retries often: a refused
 * connection costs nothing, and the 1-second promise resumes at most this long after the
 * database is back (it was 5 s, which broke the promise for seconds after a restart).
 */
const RECONNECT_MAX_DELAY_MS = 500

export type Revocations = {
  isRevoked(sessionId: string): boolean
  /** Records the revocation, announces it to every instance, and applies it here at once. */
  revoke(sessionId: string): Promise<void>
  /** Loads recent revocations and (on PostgreSQL) starts listening for new ones. */
  start(): Promise<void>
  close(): Promise<void>
}

export function createRevocations(deps: {
  database: Database
  accessTokenTtlSeconds: number
  log: Logger
}): Revocations {
  const { database, log } = deps
  const keepMs = deps.accessTokenTtlSeconds * 1000 + LEEWAY_MS
  const revoked = new Map<string, number>() // session id → when its last token is dead (ms)
  let listener: pg.Client | undefined
  let pruneTimer: NodeJS.Timeout | undefined
  let reconnectTimer: NodeJS.Timeout | undefined
  let closed = false

  const remember = (sessionId: string, until: number) => {
    if ((revoked.get(sessionId) ?? 0) < until) revoked.set(sessionId, until)
  }

  async function loadRecent() {
    const rows = await database.db.select().from(revokedSession).where(gt(revokedSession.expiresAt, sql`now()`))
    for (const row of rows) remember(row.sessionId, row.expiresAt.getTime())
  }

  async function listen(attempt = 0): Promise<void> {
    if (closed || !database.url) return
    const client = new pg.Client({ connectionString: database.url, connectionTimeoutMillis: 2_000 })
    const retry = (err: unknown) => {
      if (closed || listener !== client) return
      listener = undefined
      log.warn({ err }, 'revocation listener lost its connection; reconnecting')
      client.end().catch(() => {})
      scheduleReconnect(attempt + 1)
    }
    listener = client
    client.on('error', retry)
    client.on('end', () => retry(new Error('connection ended')))
    client.on('notification', (msg) => {
      if (msg.channel === CHANNEL && msg.payload) remember(msg.payload, Date.now() + keepMs)
    })
    try {
      await client.connect()
      await client.query(`LISTEN ${CHANNEL}`)
      // Listen first, then load: a revocation made in between is seen by one or the other.
      await loadRecent()
      if (attempt > 0) log.info('revocation listener reconnected')
    } catch (err) {
      if (attempt === 0) throw err
      retry(err)
    }
  }

  function scheduleReconnect(attempt: number) {
    const delay = Math.min(RECONNECT_MAX_DELAY_MS, 250 * 2 ** Math.min(attempt, 5))
    reconnectTimer = setTimeout(() => void listen(attempt), delay)
    reconnectTimer.unref()
  }

  function prune() {
    const now = Date.now()
    for (const [id, until] of revoked) if (until <= now) revoked.delete(id)
    database.db
      .delete(revokedSession)
      .where(lt(revokedSession.expiresAt, sql`now()`))
      .catch((err: unknown) => log.debug({ err }, 'could not prune revoked sessions'))
  }

  return {
    isRevoked(sessionId) {
      const until = revoked.get(sessionId)
      return until !== undefined && until > Date.now()
    },

    async revoke(sessionId) {
      const until = Date.now() + keepMs
      remember(sessionId, until)
      const expiresAt = new Date(until)
      await database.db
        .insert(revokedSession)
        .values({ sessionId, expiresAt })
        .onConflictDoUpdate({ target: revokedSession.sessionId, set: { expiresAt } })
      if (database.driver === 'pg') await database.db.execute(sql`select pg_notify(${CHANNEL}, ${sessionId})`)
    },

    async start() {
      if (database.url) await listen()
      else await loadRecent()
      pruneTimer = setInterval(prune, PRUNE_EVERY_MS)
      pruneTimer.unref()
    },

    async close() {
      closed = true
      clearInterval(pruneTimer)
      clearTimeout(reconnectTimer)
      const client = listener
      listener = undefined
      await client?.end().catch(() => {})
    },
  }
}

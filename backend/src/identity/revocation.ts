/**
 * Revoked sessions, known to every instance within a second (API.md "Revocation").
 *
 * Access tokens are verified without the database, so ending a session must also be
 * announced: the session id goes into `revoked_session` (for instances that start or
 * reconnect later) and out through PostgreSQL NOTIFY (for instances running now).
 * Each instance keeps the ids in memory until every token that could carry them expired.
 * With PGlite there is one process, so the in-memory set is the whole story.
 *
 * LISTEN needs a session of its own: it runs on the direct URL (DATABASE_DIRECT_URL), since a
 * pooler in transaction mode hands the listening server connection to other clients and the
 * notifications never arrive. At start-up a NOTIFY sent the way revocations are sent must come
 * back to a LISTEN there, or the instance refuses to start (checkRevocationReaches, decision 023):
 * revocation that is off without a word is what it prevents.
 *
 * A revocation carries why the session ended (revocation-reason.ts), so that a live-sync stream of
 * that session, on whichever instance, can say so in its `session.revoked` event (decision 029).
 * The reason travels on a channel of its own beside the session id's: instances that predate it
 * keep honouring the id alone during a rolling upgrade.
 */
import { randomUUID } from 'node:crypto'
import { gt, lt, sql } from 'drizzle-orm'
import pg from 'pg'
import type { Logger } from 'pino'
import type { Database } from '../db/client.js'
import { revokedSession } from '../db/schema.js'
import { isRevocationReason, type RevocationReason } from './revocation-reason.js'

const CHANNEL = 'taskwell_session_revoked'
/** `<session id>:<reason>`, sent in the same transaction right after the id on CHANNEL. */
const REASON_CHANNEL = 'taskwell_session_ended'
/**
 * An id on CHANNEL with no reason after it comes from an instance that sends none (an older
 * version): its streams hear `revoked` this long after, well inside the 1-second promise.
 */
const REASON_WAIT_MS = 150
/** Tokens may be verified with some clock leeway; keep ids a little past their tokens. */
const LEEWAY_MS = 60_000
const PRUNE_EVERY_MS = 60_000
/**
 * While the listener is down this instance misses revocations, so it retries often: a refused
 * connection costs nothing, and the 1-second promise resumes at most this long after the
 * database is back (it was 5 s, which broke the promise for seconds after a restart).
 */
const RECONNECT_MAX_DELAY_MS = 500
/** How long start-up waits for its own NOTIFY to come back to the listener. */
const PROBE_TIMEOUT_MS = 2_000
/** Payloads of start-up probes: never a session id (those have no colon). */
const PROBE_PREFIX = 'probe:'

/** Revocation cannot reach this instance: start-up stops with this message. */
export class RevocationUnavailableError extends Error {}

export type Revocations = {
  isRevoked(sessionId: string): boolean
  /** Why a revoked session ended (`revoked` when no instance said why), or undefined when it is not revoked. */
  reasonFor(sessionId: string): RevocationReason | undefined
  /** Records the revocation, announces it to every instance, and applies it here at once. */
  revoke(sessionId: string, reason?: RevocationReason): Promise<void>
  /**
   * Calls `listener` when a session is revoked, here or on another instance (at least once per
   * revocation; a listener ignores repeats). Returns the function that stops the calls.
   */
  onRevoked(listener: RevocationListener): () => void
  /** Loads recent revocations and (on PostgreSQL) starts listening for new ones. */
  start(): Promise<void>
  close(): Promise<void>
}

/**
 * Start-up's proof that revocation reaches this instance: a NOTIFY sent through the pool, as
 * `revoke` sends them, must come back to a LISTEN on the direct URL, as the listener will hold it.
 * Run before migrations, which take a session lock on that same URL.
 */
export async function checkRevocationReaches(database: Database): Promise<void> {
  if (database.driver !== 'pg' || !database.directUrl) return
  const payload = `${PROBE_PREFIX}${randomUUID()}`
  const client = new pg.Client({ connectionString: database.directUrl, connectionTimeoutMillis: 5_000 })
  client.on('error', () => {}) // a broken connection fails the statement in flight, which throws
  let timer: NodeJS.Timeout | undefined
  try {
    const arrived = new Promise<boolean>((resolve) => {
      client.on('notification', (msg) => {
        if (msg.channel === CHANNEL && msg.payload === payload) resolve(true)
      })
      timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)
    })
    await client.connect()
    await client.query(`LISTEN ${CHANNEL}`)
    await database.db.execute(sql`select pg_notify(${CHANNEL}, ${payload})`)
    if (await arrived) return
  } finally {
    clearTimeout(timer)
    await client.end().catch(() => {})
  }
  const direct = database.directUrl !== database.url
  throw new RevocationUnavailableError(
    `Revocation cannot work: a NOTIFY sent through DATABASE_URL did not reach a LISTEN on ${
      direct ? 'DATABASE_DIRECT_URL' : 'DATABASE_URL'
    } within ${PROBE_TIMEOUT_MS} ms, so a sign-out on another instance would never be honoured on this one. ${
      direct
        ? 'Check that DATABASE_DIRECT_URL names the same database as DATABASE_URL.'
        : 'DATABASE_URL looks like a pooler in transaction mode: set DATABASE_DIRECT_URL to a direct connection to the same database (README "Configuration").'
    }`,
  )
}

export type RevocationListener = (sessionId: string, reason: RevocationReason) => void

export function createRevocations(deps: {
  database: Database
  accessTokenTtlSeconds: number
  log: Logger
}): Revocations {
  const { database, log } = deps
  const keepMs = deps.accessTokenTtlSeconds * 1000 + LEEWAY_MS
  const revoked = new Map<string, number>() // session id → when its last token is dead (ms)
  const reasons = new Map<string, RevocationReason>() // session id → why it ended, while in `revoked`
  const listeners = new Set<RevocationListener>()
  const awaitingReason = new Map<string, NodeJS.Timeout>()
  let listener: pg.Client | undefined
  let pruneTimer: NodeJS.Timeout | undefined
  let reconnectTimer: NodeJS.Timeout | undefined
  let closed = false

  const remember = (sessionId: string, until: number) => {
    if ((revoked.get(sessionId) ?? 0) < until) revoked.set(sessionId, until)
  }

  const announce = (sessionId: string, reason: RevocationReason) => {
    clearTimeout(awaitingReason.get(sessionId))
    awaitingReason.delete(sessionId)
    reasons.set(sessionId, reason)
    for (const listener of listeners) {
      try {
        listener(sessionId, reason)
      } catch (err) {
        log.error({ err }, 'a revocation listener failed')
      }
    }
  }

  /** A reason comes right behind its id; an id alone (an older instance) is announced as `revoked`. */
  const announceLater = (sessionId: string) => {
    if (awaitingReason.has(sessionId)) return
    const timer = setTimeout(() => {
      awaitingReason.delete(sessionId)
      if (!reasons.has(sessionId)) announce(sessionId, 'revoked')
    }, REASON_WAIT_MS)
    timer.unref()
    awaitingReason.set(sessionId, timer)
  }

  async function loadRecent() {
    const rows = await database.db.select().from(revokedSession).where(gt(revokedSession.expiresAt, sql`now()`))
    for (const row of rows) {
      const known = revoked.has(row.sessionId)
      remember(row.sessionId, row.expiresAt.getTime())
      // Revoked while this instance was not listening: the row keeps no reason.
      if (!known) announce(row.sessionId, 'revoked')
    }
  }

  async function listen(attempt = 0): Promise<void> {
    if (closed || !database.directUrl) return
    const client = new pg.Client({
      connectionString: database.directUrl,
      connectionTimeoutMillis: 2_000,
      application_name: database.applicationName,
    })
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
      if (!msg.payload) return
      if (msg.channel === CHANNEL) {
        // Instances that start send probes (checkRevocationReaches): not session ids.
        if (msg.payload.startsWith(PROBE_PREFIX)) return
        remember(msg.payload, Date.now() + keepMs)
        announceLater(msg.payload)
      } else if (msg.channel === REASON_CHANNEL) {
        const at = msg.payload.lastIndexOf(':')
        const sessionId = msg.payload.slice(0, at)
        const reason = msg.payload.slice(at + 1)
        if (at <= 0 || !isRevocationReason(reason)) return
        remember(sessionId, Date.now() + keepMs)
        announce(sessionId, reason)
      }
    })
    try {
      await client.connect()
      await client.query(`LISTEN ${CHANNEL}`)
      await client.query(`LISTEN ${REASON_CHANNEL}`)
      // Listen first, then load: a revocation made in between is seen by one or the other.
      await loadRecent()
      if (attempt > 0) log.info('revocation listener reconnected')
    } catch (err) {
      if (attempt === 0) {
        listener = undefined
        await client.end().catch(() => {})
        throw err
      }
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
    for (const [id, until] of revoked) {
      if (until > now) continue
      revoked.delete(id)
      reasons.delete(id)
    }
    database.db
      .delete(revokedSession)
      .where(lt(revokedSession.expiresAt, sql`now()`))
      .catch((err: unknown) => log.debug({ err }, 'could not prune revoked sessions'))
  }

  const isRevoked = (sessionId: string) => {
    const until = revoked.get(sessionId)
    return until !== undefined && until > Date.now()
  }

  return {
    isRevoked,

    reasonFor(sessionId) {
      if (!isRevoked(sessionId)) return undefined
      return reasons.get(sessionId) ?? 'revoked'
    },

    async revoke(sessionId, reason = 'revoked') {
      const until = Date.now() + keepMs
      remember(sessionId, until)
      // Streams of the session on this instance end now, not when the NOTIFY comes back.
      announce(sessionId, reason)
      const expiresAt = new Date(until)
      await database.db
        .insert(revokedSession)
        .values({ sessionId, expiresAt })
        .onConflictDoUpdate({ target: revokedSession.sessionId, set: { expiresAt } })
      if (database.driver === 'pg') {
        // One statement, one transaction: the reason arrives right behind its id, in order.
        await database.db.execute(
          sql`select pg_notify(${CHANNEL}, ${sessionId}), pg_notify(${REASON_CHANNEL}, ${`${sessionId}:${reason}`})`,
        )
      }
    },

    onRevoked(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },

    async start() {
      if (database.directUrl) await listen()
      else await loadRecent()
      pruneTimer = setInterval(prune, PRUNE_EVERY_MS)
      pruneTimer.unref()
    },

    async close() {
      closed = true
      clearInterval(pruneTimer)
      for (const timer of awaitingReason.values()) clearTimeout(timer)
      awaitingReason.clear()
      clearTimeout(reconnectTimer)
      const client = listener
      listener = undefined
      await client?.end().catch(() => {})
    },
  }
}

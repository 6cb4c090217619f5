/**
 * Where this instance hears that a user's events committed: the NOTIFY of migration 0007's
 * triggers, whose payload is the user's id.
 *
 * On PostgreSQL, one LISTEN connection per instance on the direct URL (a pooler in transaction
 * mode would hand the listening server connection to others, as identity/revocation.ts explains),
 * reconnected with backoff when it breaks. Notifications sent while it was down are lost, so each
 * time it is back `onResumed` runs: the feed tells its streams to refetch. On PGlite, its own
 * LISTEN, in-process or relayed from its worker thread; it never breaks without the database.
 */
import pg from 'pg'
import type { Logger } from 'pino'
import type { Database } from '../db/client.js'

/** The channel migration 0007's append_sync_event() notifies. */
export const SYNC_CHANNEL = 'taskwell_sync'
/** A stream promises `resync` within 5 s of the database answering again: retry well within that. */
const RECONNECT_MAX_DELAY_MS = 1_000
/** Not the instance fingerprint (identity/instance-agreement.ts counts connections by that name). */
export const LISTENER_APPLICATION_NAME = 'taskwell live sync'

export type FeedListener = {
  /** Listens; rejects when the database cannot be reached at all. */
  start(): Promise<void>
  close(): Promise<void>
  /** Whether notifications are arriving now (false while a broken connection is being replaced). */
  readonly listening: boolean
  /** The backend pid of the LISTEN connection, for tests that break it; undefined on PGlite. */
  readonly backendPid: number | undefined
}

export function createFeedListener(deps: {
  database: Database
  log: Logger
  onNotify: (userId: string) => void
  onResumed: () => void
}): FeedListener {
  const { database, log, onNotify, onResumed } = deps
  let closed = false
  let client: pg.Client | undefined
  let connected = false
  let backendPid: number | undefined
  let reconnectTimer: NodeJS.Timeout | undefined
  let unlisten: (() => Promise<void>) | undefined

  async function connect(attempt: number): Promise<void> {
    if (closed || !database.directUrl) return
    const current = new pg.Client({
      connectionString: database.directUrl,
      connectionTimeoutMillis: 2_000,
      application_name: LISTENER_APPLICATION_NAME,
      // A connection whose peer vanished (no reset) is noticed by TCP keepalive, not left silent.
      keepAlive: true,
    })
    client = current
    let lost = false
    const retry = (err: unknown) => {
      if (lost || closed || client !== current) return
      lost = true
      connected = false
      backendPid = undefined
      log.warn({ err }, 'live-sync listener lost its connection; reconnecting')
      current.end().catch(() => {})
      scheduleReconnect(attempt + 1)
    }
    current.on('error', retry)
    current.on('end', () => retry(new Error('connection ended')))
    current.on('notification', (msg) => {
      if (msg.channel === SYNC_CHANNEL && msg.payload) onNotify(msg.payload)
    })
    try {
      await current.connect()
      await current.query(`LISTEN ${SYNC_CHANNEL}`)
      const { rows } = await current.query<{ pid: number }>('select pg_backend_pid() as pid')
      if (lost || closed) return
      connected = true
      backendPid = rows[0]?.pid
      if (attempt > 0) {
        log.info('live-sync listener reconnected')
        // Listening again before this: whatever committed while it was down is behind every stream.
        onResumed()
      }
    } catch (err) {
      if (attempt === 0) {
        lost = true
        client = undefined
        await current.end().catch(() => {})
        throw err
      }
      retry(err)
    }
  }

  function scheduleReconnect(attempt: number) {
    if (closed) return
    const delay = Math.min(RECONNECT_MAX_DELAY_MS, 100 * 2 ** Math.min(attempt, 5))
    reconnectTimer = setTimeout(() => void connect(attempt), delay)
    reconnectTimer.unref()
  }

  return {
    get listening() {
      return database.listen ? !closed : connected
    },
    get backendPid() {
      return backendPid
    },
    async start() {
      if (database.listen) {
        unlisten = await database.listen(SYNC_CHANNEL, onNotify)
        return
      }
      await connect(0)
    },
    async close() {
      closed = true
      clearTimeout(reconnectTimer)
      await unlisten?.().catch(() => {})
      const open = client
      client = undefined
      connected = false
      await open?.end().catch(() => {})
    },
  }
}

/**
 * Opens the database: embedded PGlite (a directory, or memory) when no URL is given,
 * a `pg` Pool otherwise. Callers get one Drizzle type and do not care which.
 *
 * The pool may reach PostgreSQL through a pooler in transaction mode (PgBouncer, Neon's pooled
 * host, Supavisor), where consecutive transactions of one client run on different server
 * connections: so no startup parameters (a pooler refuses them), no session state, and named
 * prepared statements only when `preparedStatements` says the connection keeps them (decision 023).
 */
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import pg from 'pg'
import { openWorkerPglite } from './pglite-worker/client.js'
import { poolTransactions } from './pool-transactions.js'
import * as schema from './schema.js'

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export type Database = {
  db: Db
  driver: 'pglite' | 'pg'
  /** The postgres:// URL of the pool; undefined for PGlite. */
  url: string | undefined
  /**
   * The direct connection (no pooler in transaction mode between) for LISTEN and the migrations'
   * advisory lock: DATABASE_DIRECT_URL, else the pool's URL; undefined for PGlite.
   */
  directUrl: string | undefined
  /** The `application_name` of this instance's own long-lived connection (LISTEN), if it has one. */
  applicationName: string | undefined
  /** The `application_name` of the pool's connections, if it has one (sync/announcer.ts). */
  poolApplicationName: string | undefined
  /** The pg pool; undefined for PGlite. */
  pool: pg.Pool | undefined
  pglite: PGlite | undefined
  /**
   * PGlite's LISTEN, in-process or relayed from its worker thread: calls `onNotify` with each
   * payload NOTIFYed on `channel` once its transaction committed; resolves to a function that stops.
   * Undefined on PostgreSQL, where a listener holds a connection of its own on `directUrl`.
   */
  listen: ((channel: string, onNotify: (payload: string) => void) => Promise<() => Promise<void>>) | undefined
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>
  close(): Promise<void>
}

export type OpenDbOptions = {
  /** postgres:// URL; unset → PGlite. */
  url?: string | undefined
  /** A direct postgres:// URL for LISTEN and migrations when `url` is a pooler. @default url */
  directUrl?: string | undefined
  /**
   * Whether the pool may use named prepared statements; false sends every statement unnamed,
   * which poolers in transaction mode (PgBouncer before 1.21 with default settings) need. @default true
   */
  preparedStatements?: boolean | undefined
  /** `application_name` of the LISTEN connection, by which instances find each other (instance-agreement.ts). */
  applicationName?: string | undefined
  /**
   * `application_name` of the pool's connections. The server names them so that the live-sync
   * trigger leaves announcing their writes to the API (sync/announcer.ts); unnamed, every write
   * is announced by the database itself.
   */
  poolApplicationName?: string | undefined
  /** PGlite directory; unset (with no url) → in memory. */
  dataDir?: string | undefined
  /**
   * Runs PGlite on a worker thread, so its SQL never holds the event loop (pglite-worker/). The
   * server does; tests and short-lived tools keep it in-process, where `Database.pglite` is theirs.
   */
  pgliteInWorker?: boolean | undefined
  /**
   * A PGlite data directory to start from (a `dumpDataDir()` tarball) instead of an empty one:
   * tests start their in-memory databases from one migrated copy, which skips PGlite's initdb.
   */
  snapshot?: Blob | undefined
  poolSize?: number
  /** Called with errors of idle pool clients, which would otherwise crash the process. */
  onPoolError?: (err: Error) => void
}

export async function openDb(options: OpenDbOptions): Promise<Database> {
  if (options.url) return openPg(options.url, options)
  if (options.pgliteInWorker) return openPgliteInWorker(options)
  // pg_trgm backs the task search index; PGlite loads extensions explicitly.
  const pglite = new PGlite({ dataDir: options.dataDir, loadDataDir: options.snapshot, extensions: { pg_trgm } })
  await pglite.waitReady
  return pgliteDatabase(pglite, pglite, (channel, onNotify) => pglite.listen(channel, onNotify))
}

/** A PGlite, or the worker's PGlite-shaped client, as a Database; `pglite` only when in-process. */
function pgliteDatabase(client: PGlite, pglite: PGlite | undefined, listen: NonNullable<Database['listen']>): Database {
  const db = drizzlePglite({ client, schema }) as unknown as Db
  return {
    db,
    driver: 'pglite',
    url: undefined,
    directUrl: undefined,
    applicationName: undefined,
    poolApplicationName: undefined,
    pool: undefined,
    pglite,
    listen,
    ping: async () => {
      await client.query('select 1')
    },
    close: () => client.close(),
  }
}

async function openPgliteInWorker(options: OpenDbOptions): Promise<Database> {
  if (options.snapshot) throw new Error('a PGlite snapshot is loaded in-process only')
  // Drizzle's PGlite driver uses query() and transaction(), which the worker's client mirrors.
  const worker = await openWorkerPglite(options.dataDir)
  return pgliteDatabase(worker as unknown as PGlite, undefined, worker.listen)
}

function openPg(url: string, options: OpenDbOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // A startup parameter every pooler passes on (PgBouncer tracks it per client).
    ...(options.poolApplicationName ? { application_name: options.poolApplicationName } : {}),
    // Fail fast when the database is unreachable instead of queueing forever.
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
    // No statement_timeout here: pg sends it as a startup parameter, which PgBouncer refuses
    // ("unsupported startup parameter"). Bounds are per transaction (SET LOCAL, tasks/queries.ts)
    // or the database role's own setting (decision 023).
    ...(options.preparedStatements === false ? { Client: UnnamedStatementsClient } : {}),
  })
  pool.on('error', (err) => options.onPoolError?.(err))
  const pooled = drizzlePg({ client: pool, schema })
  pooled.transaction = poolTransactions(pool, schema)
  const db = pooled as unknown as Db
  let closed = false
  return {
    db,
    driver: 'pg',
    url,
    directUrl: options.directUrl ?? url,
    applicationName: options.applicationName,
    poolApplicationName: options.poolApplicationName,
    pool,
    pglite: undefined,
    listen: undefined,
    ping: async () => {
      await db.execute(sql`select 1`)
    },
    close: async () => {
      if (closed) return
      closed = true
      await pool.end()
    },
  }
}

/**
 * A client that sends every statement unnamed. Drizzle's `.prepare(name)` names its statements,
 * and pg then parses each once per connection and reuses it by name; through a pooler in
 * transaction mode the next transaction may run on a server connection where that name is unknown,
 * or already taken (`prepared statement "…" already exists`). Unnamed, each is parsed where it runs.
 */
class UnnamedStatementsClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads; this forwards them all
  override query(config: any, values?: any, callback?: any): any {
    if (
      config &&
      typeof config === 'object' &&
      typeof config.name === 'string' &&
      typeof config.submit !== 'function'
    ) {
      const { name: _unnamed, ...unnamed } = config
      return super.query(unnamed, values, callback)
    }
    return super.query(config, values, callback)
  }
}

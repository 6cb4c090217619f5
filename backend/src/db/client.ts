/**
 * Opens the database: embedded PGlite (a directory, or memory) when no URL is given,
 * a `pg` Pool otherwise. Callers get one Drizzle type and do not care which.
 */
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import pg from 'pg'
import * as schema from './schema.js'

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export type Database = {
  db: Db
  driver: 'pglite' | 'pg'
  /** The postgres:// URL, for connections of our own (LISTEN); undefined for PGlite. */
  url: string | undefined
  /** The pg pool; undefined for PGlite. */
  pool: pg.Pool | undefined
  pglite: PGlite | undefined
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>
  close(): Promise<void>
}

export type OpenDbOptions = {
  /** postgres:// URL; unset → PGlite. */
  url?: string | undefined
  /** PGlite directory; unset (with no url) → in memory. */
  dataDir?: string | undefined
  poolSize?: number
  /** Called with errors of idle pool clients, which would otherwise crash the process. */
  onPoolError?: (err: Error) => void
}

export async function openDb(options: OpenDbOptions): Promise<Database> {
  if (options.url) return openPg(options.url, options)
  // pg_trgm backs the task search index; PGlite loads extensions explicitly.
  const pglite = new PGlite({ dataDir: options.dataDir, extensions: { pg_trgm } })
  await pglite.waitReady
  const db = drizzlePglite({ client: pglite, schema }) as unknown as Db
  return {
    db,
    driver: 'pglite',
    url: undefined,
    pool: undefined,
    pglite,
    ping: async () => {
      await pglite.query('select 1')
    },
    close: () => pglite.close(),
  }
}

function openPg(url: string, options: OpenDbOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // Fail fast when the database is unreachable instead of queueing forever.
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
  })
  pool.on('error', (err) => options.onPoolError?.(err))
  const db = drizzlePg({ client: pool, schema }) as unknown as Db
  let closed = false
  return {
    db,
    driver: 'pg',
    url,
    pool,
    pglite: undefined,
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

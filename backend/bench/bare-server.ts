/**
 * Benchmark baseline (b): a bare node:http server with a pg Pool running the task list's
 * SQL, with no framework, no auth and no validation. The ceiling for (a).
 * Configured by BARE_* variables from bench.ts (PostgreSQL URL or PGlite directory).
 */
import { createServer } from 'node:http'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import pg from 'pg'

const { BARE_DATABASE_URL, BARE_PGLITE_DIR, BARE_PORT, BARE_SQL, BARE_USER_ID, BARE_LIMIT } = process.env
const params = [BARE_USER_ID, Number(BARE_LIMIT)]
let query: () => Promise<{ rows: unknown[] }>
let end: () => Promise<void>
if (BARE_PGLITE_DIR) {
  const db = new PGlite(BARE_PGLITE_DIR, { extensions: { pg_trgm } })
  query = () => db.query(BARE_SQL as string, params)
  end = () => db.close()
} else {
  const pool = new pg.Pool({ connectionString: BARE_DATABASE_URL, max: 10 })
  pool.on('error', () => {})
  query = () => pool.query(BARE_SQL as string, params)
  end = () => pool.end()
}

const server = createServer(async (_req, res) => {
  try {
    const { rows } = await query()
    const body = JSON.stringify({ items: rows, next_cursor: null })
    res.writeHead(200, { 'content-type': 'application/json' }).end(body)
  } catch {
    res.writeHead(500).end()
  }
})
server.listen(Number(BARE_PORT), '127.0.0.1', () => console.log('bare server ready'))
process.on('SIGTERM', () => server.close(() => end().then(() => process.exit(0))))

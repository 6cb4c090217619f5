/**
 * Transactions over a `pg` pool that never lose a connection. Drizzle's node-postgres driver
 * takes a client from the pool and sends BEGIN before its try/finally: when BEGIN fails (a
 * connection the database dropped, as in an outage) the client is never given back, and after as
 * many such failures as the pool has connections it is empty for good (no recovery, and shutdown
 * waits forever). And a client held between two statements has no 'error' listener: a connection
 * the database ends then (`pg_ctl stop -m fast`) is an uncaught exception that kills the process.
 * So every transaction of a pool-backed database (ours and Better Auth's adapter's) takes its
 * client here, listens to it, and gives it back, destroyed if it broke.
 */
import { createTableRelationsHelpers, extractTablesRelationalConfig } from 'drizzle-orm'
import { type drizzle, NodePgSession } from 'drizzle-orm/node-postgres'
import { PgDialect } from 'drizzle-orm/pg-core'
import type pg from 'pg'
import type * as schema from './schema.js'

/** SQLSTATE connection_does_not_exist: what a transaction whose connection broke answers (a 503). */
const CONNECTION_LOST = '08003'

/** Errors after which the connection is not given back to the pool but closed. */
function connectionBroke(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown }
  if (typeof code === 'string' && (/^(08|57P0)/.test(code) || ['ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)))
    return true
  return typeof message === 'string' && /not queryable|Connection terminated/i.test(message)
}

type Transaction = ReturnType<typeof drizzle<typeof schema>>['transaction']

export function poolTransactions(pool: pg.Pool, tables: typeof schema): Transaction {
  // What drizzle() would work out from the schema for every transaction, worked out once.
  const dialect = new PgDialect()
  const relational = extractTablesRelationalConfig(tables, createTableRelationsHelpers)
  const schemaConfig = { fullSchema: tables, schema: relational.tables, tableNamesMap: relational.tableNamesMap }
  return (async (work, config) => {
    const client = await pool.connect()
    let broken: Error | undefined
    const lost = (err: Error) => {
      broken = err
    }
    client.on('error', lost)
    try {
      // Over one client (not a pool), Drizzle neither takes nor gives back a connection.
      return await new NodePgSession(client, dialect, schemaConfig).transaction(work as never, config)
    } catch (err) {
      // A connection that broke mid-transaction fails the next statement, and Drizzle's ROLLBACK,
      // with "Client was closed and is not queryable": answer the break itself (a 503), not that.
      if (!broken && connectionBroke(err))
        broken = Object.assign(new Error('database connection lost', { cause: err }), { code: CONNECTION_LOST })
      throw broken ?? err
    } finally {
      client.off('error', lost)
      client.release(broken)
    }
  }) as Transaction
}

/** How the task API runs a transaction (the database's own: see db/pool-transactions.ts). */
import type { Database, Db } from '../db/client.js'

export type InTransaction = <T>(work: (tx: Db) => Promise<T>) => Promise<T>

export const transactionsOf =
  ({ db }: Database): InTransaction =>
  (work) =>
    db.transaction((tx) => work(tx as unknown as Db))

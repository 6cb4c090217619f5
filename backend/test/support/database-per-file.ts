/**
 * Loaded into every test file's process by `npm test` (test/run.ts): when the run made a migrated
 * template (TEST_DATABASE_TEMPLATE), the file gets a PostgreSQL database of its own, a copy of
 * it, and finds it in TEST_DATABASE_URL. Files then run side by side without sharing anything a
 * file counts: sign-ups and sign-ins per address, sign-in blocks, the live-sync feed, the
 * connections of its instances. The copy is dropped when the file's process exits.
 */
import { adminQuery, beside, dropDatabaseNow } from '../../testkit/databases.js'
import { onExit } from '../../testkit/exit-cleanup.js'

const shared = process.env.TEST_DATABASE_URL
const template = process.env.TEST_DATABASE_TEMPLATE
if (shared && template) {
  const copy = `${template}_${process.pid}`
  await adminQuery(shared, `create database "${copy}" template "${template}"`)
  onExit(() => dropDatabaseNow(shared, copy))
  process.env.TEST_DATABASE_URL = beside(shared, copy)
}

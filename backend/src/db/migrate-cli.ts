/** `npm run db:migrate`: applies migrations to DATABASE_URL's database (over DATABASE_DIRECT_URL when set), or to the PGlite under DATA_DIR. */
import { join } from 'node:path'
import { loadConfig } from '../config.js'
import { checkRevocationReaches } from '../identity/revocation.js'
import { openDb } from './client.js'
import { migrate } from './migrate.js'

const config = loadConfig()
const database = await openDb({
  url: config.databaseUrl,
  directUrl: config.databaseDirectUrl, // the advisory lock and the migrations run there
  preparedStatements: config.databasePreparedStatements,
  dataDir: join(config.dataDir, 'pglite'),
})
await checkRevocationReaches(database) // else the migrations' lock may land on a pooler's connection
await migrate(database)
await database.close()
console.log(`Migrations applied to ${config.databaseUrl ? 'PostgreSQL' : 'PGlite'}.`)

/** `npm run db:migrate`: applies migrations to DATABASE_URL (or the PGlite under DATA_DIR). */
import { join } from 'node:path'
import { loadConfig } from '../config.js'
import { openDb } from './client.js'
import { migrate } from './migrate.js'

const config = loadConfig()
const database = await openDb({ url: config.databaseUrl, dataDir: join(config.dataDir, 'pglite') })
await migrate(database)
await database.close()
console.log(`Migrations applied to ${config.databaseUrl ? 'PostgreSQL' : 'PGlite'}.`)

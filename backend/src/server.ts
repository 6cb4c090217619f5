/**
 * The entry point and the only file with side effects:
 * config → database → migrations → services → app → listen → drain on SIGTERM.
 */
import { join } from 'node:path'
import { createApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { openDb } from './db/client.js'
import { migrate } from './db/migrate.js'
import { listen } from './http/listen.js'
import { loggableMessage } from './http/loggable-error.js'
import { createLogger } from './http/logger.js'
import { checkInstancesAgree, instanceFingerprint } from './identity/instance-agreement.js'
import { checkRevocationReaches } from './identity/revocation.js'
import { checkSigningKeysReadable } from './identity/signing-keys.js'
import { createServices } from './services.js'
import { API_APPLICATION_NAME } from './sync/announcer.js'

/** In-flight requests get this long to finish on SIGTERM before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000
/**
 * After SIGTERM the server keeps serving this long before it closes its listener: /readyz says
 * 503 so load balancers stop sending, and keep-alive clients learn of the shutdown from a
 * `Connection: close` answer rather than from a connection cut as they reuse it.
 */
const SHUTDOWN_LINGER_MS = 1_000

async function main() {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    console.error(err.message)
    process.exit(1)
  }
  const log = createLogger(config.logLevel)
  if (config.generatedSecret) {
    log.warn(
      `BETTER_AUTH_SECRET is not set: using a generated development secret kept in ${join(config.dataDir, 'auth-secret')}`,
    )
  }
  if (!config.smtpUrl) {
    // Outbox links are credentials in files: fine on a laptop; in production only when asked for
    // (MAIL_OUTBOX_IN_PRODUCTION, config.ts).
    const level = config.env === 'production' ? 'warn' : 'info'
    log[level](
      `SMTP_URL is not set: mail is written to ${join(config.dataDir, 'outbox')} (npm run outbox prints the links)`,
    )
  }

  // Its revocation listener carries it, so other instances on the database can tell we disagree.
  const fingerprint = instanceFingerprint(config)
  const database = await openDb({
    url: config.databaseUrl,
    directUrl: config.databaseDirectUrl,
    preparedStatements: config.databasePreparedStatements,
    applicationName: fingerprint,
    poolApplicationName: API_APPLICATION_NAME,
    dataDir: join(config.dataDir, 'pglite'),
    pgliteInWorker: true,
    poolSize: config.databasePoolSize,
    onPoolError: (err) => log.warn({ err }, 'idle database connection failed'),
  })
  // Before migrations: their session lock needs the direct connection this proves.
  await checkRevocationReaches(database)
  await migrate(database)
  const services = await createServices(config, database, log)
  // A running instance with another secret is the likelier cause, so that refusal comes first.
  await checkInstancesAgree(database, fingerprint)
    .then(() => checkSigningKeysReadable(database.db, config))
    .catch(async (err: unknown) => {
      await services.close()
      await database.close()
      throw err
    })
  let stopping = false
  const app = createApp(services, { draining: () => stopping })
  const http = await listen(app.fetch, config.port, config.host)

  const where = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${join(config.dataDir, 'pglite')}`
  log.info({ url: http.url, database: where }, 'Taskwell API listening')
  console.log(`\n  Taskwell API ready at ${http.url}  (docs: ${http.url}/api/docs, database: ${where})\n`)

  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down: draining connections')
    // Streams never finish on their own; their clients resume on another instance (API.md).
    services.streams.closeAll()
    await http.close(SHUTDOWN_GRACE_MS, SHUTDOWN_LINGER_MS)
    await services.close()
    await database.close()
    log.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((err: unknown) => {
  // Through the log's rules: a query that failed at start-up must not print its values either.
  console.error('Taskwell failed to start:', loggableMessage(err))
  process.exit(1)
})

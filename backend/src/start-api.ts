/**
 * Starting the API: config → database → migrations → services → app → listen, and stopping it
 * (drain, close). `server.ts` runs it as a program; `npm start` runs it inside the web app's
 * server, which then serves /api/* with `handle` instead of proxying to the API's port.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { getRequestListener } from '@hono/node-server'
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

/** In-flight requests get this long to finish on stop before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000
/**
 * After a stop is asked for, the server keeps serving this long before it closes its listener:
 * /readyz says 503 so load balancers stop sending, and keep-alive clients learn of the shutdown
 * from a `Connection: close` answer rather than from a connection cut as they reuse it.
 */
const SHUTDOWN_LINGER_MS = 1_000

export type RunningApi = {
  /** Where the API listens (its own port). */
  url: string
  /** Answers one request that arrived on another server: the web app's, under `npm start`. */
  handle(req: IncomingMessage, res: ServerResponse): void
  /**
   * Ends the live-sync streams, drains the API's own connections and, at the same time, whatever
   * `alsoDrain` drains (the web app's server, whose requests reach `handle`); only then closes the
   * services and the database those requests use.
   */
  stop(options?: { alsoDrain?: () => Promise<void> }): Promise<void>
}

/** What to print when startApi failed: the bad variables, or the fault without the values a query was given. */
export function startFailure(err: unknown): string {
  if (err instanceof ConfigError) return err.message
  return `Taskwell failed to start: ${loggableMessage(err)}`
}

/** Throws ConfigError, naming every bad variable, when `env` does not configure an API. */
export async function startApi(env: Record<string, string | undefined>): Promise<RunningApi> {
  const config = loadConfig(env)
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

  let stopped: Promise<void> | undefined
  return {
    url: http.url,
    handle: getRequestListener(app.fetch),
    stop({ alsoDrain } = {}) {
      stopped ??= (async () => {
        stopping = true
        log.info('shutting down: draining connections')
        // Streams never finish on their own; their clients resume on another instance (API.md).
        services.streams.closeAll()
        await Promise.all([http.close(SHUTDOWN_GRACE_MS, SHUTDOWN_LINGER_MS), alsoDrain?.()])
        await services.close()
        await database.close()
        log.info('stopped')
      })()
      return stopped
    },
  }
}

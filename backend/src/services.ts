/**
 * Builds the long-lived services an app needs from a config and an open database.
 * server.ts and the tests both start here; nothing happens at import time.
 */
import { join } from 'node:path'
import type { Logger } from 'pino'
import { type AuditLog, createAuditLog } from './audit/audit-log.js'
import type { Config } from './config.js'
import type { Database } from './db/client.js'
import { type Auth, createAuth } from './identity/better-auth.js'
import { type CallerResolver, createCallerResolver } from './identity/caller.js'
import { preloadPasswordPolicy } from './identity/password.js'
import { createRevocations, type Revocations } from './identity/revocation.js'
import { createSecondFactors, type SecondFactors } from './identity/second-factor/second-factors.js'
import { createTokenService, type TokenService } from './identity/tokens.js'
import { type Background, createBackground } from './jobs/background.js'
import { type Cleanup, createCleanup } from './jobs/cleanup.js'
import { createMailer, type Mailer } from './mail/mailer.js'
import { createSecurityNotices, type SecurityNotices } from './mail/security-notices.js'
import { createRateLimiter } from './rate-limits/counters.js'
import { type AuthLimits, createAuthLimits } from './rate-limits/policy.js'
import { type Announcer, createAnnouncer } from './sync/announcer.js'
import { createFeed, type Feed } from './sync/feed.js'
import { createStreamRegistry, type StreamRegistry } from './sync/limits.js'
import { createTaskLimits, type TaskLimits } from './tasks/limits.js'
import { createListCache, type ListCache } from './tasks/list-cache.js'

export type Services = {
  config: Config
  database: Database
  log: Logger
  auth: Auth
  tokens: TokenService
  revocations: Revocations
  callers: CallerResolver
  limits: AuthLimits
  secondFactors: SecondFactors
  mailer: Mailer
  notices: SecurityNotices
  audit: AuditLog
  background: Background
  listCache: ListCache
  /** Deletes expired sessions, counters, challenges and old security events now and then. */
  cleanup: Cleanup
  /** Per-user bounds of the task API (quota, rates, slow lists), counted on this instance. */
  taskLimits: TaskLimits
  /** Each user's live-sync events, read from the database and delivered on NOTIFY. */
  feed: Feed
  /** Tells live sync, on every instance, of the API's own task writes once they committed. */
  announcer: Announcer
  /** The live-sync streams open on this instance: their slots, revocations and shutdown. */
  streams: StreamRegistry
  /** Stops background work (revocation listener, mail); the database is the caller's to close. */
  close(): Promise<void>
}

export async function createServices(config: Config, database: Database, log: Logger): Promise<Services> {
  preloadPasswordPolicy()
  const revocations = createRevocations({ database, accessTokenTtlSeconds: config.accessTokenTtlSeconds, log })
  await revocations.start()
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    outboxDir: join(config.dataDir, 'outbox'),
    log,
  })
  const audit = createAuditLog(database.db, log, { production: config.env === 'production' })
  const background = createBackground(log)
  const limits = createAuthLimits(createRateLimiter(database.db), config.rateLimits, {
    refusalMs: config.signinRefusalDelayMs,
    account: config.signinAccountDelay,
  })
  const secondFactors = createSecondFactors({ db: database.db, secrets: config })
  const auth = createAuth({
    config,
    db: database.db,
    revocations,
    mailer,
    audit,
    limits,
    background,
    secondFactors,
    log,
  })
  const tokens = await createTokenService(auth, config, database.db)
  const callers = createCallerResolver({ auth, tokens, revocations })
  const cleanup = createCleanup({ db: database.db, config, log })
  cleanup.start()
  const feed = createFeed({
    database,
    log,
    replaySeconds: config.sync.replaySeconds,
    replayMaxEvents: config.sync.replayMaxEvents,
  })
  await feed.start()
  const announcer = createAnnouncer({ database, feed, log })
  const streams = createStreamRegistry({
    maxStreamsPerUser: config.sync.maxStreamsPerUser,
    maxStreams: config.sync.maxStreams,
    revocations,
  })
  return {
    config,
    database,
    log,
    auth,
    tokens,
    revocations,
    callers,
    limits,
    secondFactors,
    mailer,
    notices: createSecurityNotices(mailer, config.publicUrl),
    audit,
    background,
    listCache: createListCache(database.db, config.taskListCacheBytes),
    cleanup,
    taskLimits: createTaskLimits(config.taskLimits, database),
    feed,
    announcer,
    streams,
    async close() {
      // Open streams end first: nothing is delivered once the feed stops.
      streams.closeAll()
      streams.close()
      await background.idle() // it may still send mail
      await announcer.close()
      await Promise.all([feed.close(), revocations.close(), mailer.close(), cleanup.stop()])
    },
  }
}

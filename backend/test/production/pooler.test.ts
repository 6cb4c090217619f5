/**
 * DATABASE_URL through a pooler in transaction mode (README "Configuration", decision 023):
 * Debian's PgBouncer with its default settings in front of the test PostgreSQL. No startup
 * parameter it refuses, no named prepared statement that another client's server connection
 * lacks or already has, LISTEN on DATABASE_DIRECT_URL, and no start at all when revocation could
 * not reach the instance.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { freshTarget, type Target } from '../../testkit/databases.js'
import { freePort } from '../../testkit/free-port.js'
import {
  missingPrograms,
  PGBOUNCER,
  type ProxyProcess,
  startPgbouncer,
  throughPgbouncer,
} from '../../testkit/proxies.js'
import { kill9, type ServerProcess, startServerAndWait, startServerProcess } from '../../testkit/server-process.js'
import { STRONG_PASSWORD, uniqueEmail } from '../support/harness.js'
import { failures, NEEDS_PG, PG_URL, refusal, SERVER_ENV, userStory } from './support.js'

const skip = NEEDS_PG || missingPrograms(PGBOUNCER)

describe('DATABASE_URL through PgBouncer in transaction mode', { skip }, () => {
  let target: Target
  let pgbouncer: ProxyProcess
  let pooled: string
  const servers: ServerProcess[] = []

  before(async () => {
    target = await freshTarget(PG_URL, 'pooler')
    pgbouncer = await startPgbouncer(target.url as string)
    pooled = throughPgbouncer(target.url as string, pgbouncer)
  })
  after(async () => {
    await Promise.all(servers.map((s) => kill9(s)))
    await pgbouncer?.stop()
    await target?.drop()
  })

  it('starts with DATABASE_DIRECT_URL and serves users at once without a single failed request', async (ctx) => {
    const port = await freePort()
    const server = await startServerAndWait({
      name: 'pooled',
      port,
      env: {
        ...SERVER_ENV,
        DATA_DIR: target.dataDir,
        PUBLIC_URL: `http://localhost:${port}`,
        DATABASE_URL: pooled,
        DATABASE_DIRECT_URL: target.url as string,
      },
      wait: { timeoutMs: 30_000 },
    }).catch((err: Error) => {
      throw new Error(`${err.message}\n${pgbouncer.output()}`)
    })
    servers.push(server)
    // Users at once: PgBouncer hands their transactions to several server connections in turn,
    // where a statement prepared by name on one is unknown (or taken) on the next.
    const stories = await Promise.all(
      Array.from({ length: 6 }, () => userStory(server.base, uniqueEmail('pooled'), STRONG_PASSWORD)),
    )
    const answers = stories.flat()
    ctx.diagnostic(`${answers.length} requests through PgBouncer, ${failures(answers).length} failed`)
    assert.deepEqual(failures(answers), [], server.output())
  })

  it('without DATABASE_DIRECT_URL refuses to start, saying that revocation cannot work and what to set', async () => {
    const port = await freePort()
    const server = startServerProcess({
      name: 'pooled, no direct URL',
      port,
      env: { ...SERVER_ENV, DATA_DIR: target.dataDir, PUBLIC_URL: `http://localhost:${port}`, DATABASE_URL: pooled },
    })
    servers.push(server)
    const { code, output } = await refusal(server)
    assert.equal(code, 1, output)
    assert.match(output, /Revocation cannot work/)
    assert.match(output, /DATABASE_DIRECT_URL/)
  })
})

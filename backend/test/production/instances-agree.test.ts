/**
 * Instances on one database that disagree refuse to start (decision 023): a second instance with
 * another BETTER_AUTH_SECRET or another PUBLIC_URL (the tokens' iss and aud) stops at start-up
 * with a message naming the setting, instead of breaking tokens and revocation without a word.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { API_APPLICATION_NAME } from '../../src/sync/announcer.js'
import { LISTENER_APPLICATION_NAME } from '../../src/sync/feed-listener.js'
import { adminQuery, freshTarget, type Target } from '../../testkit/databases.js'
import { freePort } from '../../testkit/free-port.js'
import { kill9, type ServerProcess, startServerAndWait, startServerProcess } from '../../testkit/server-process.js'
import { NEEDS_PG, PG_URL, refusal, SERVER_ENV } from './support.js'

describe('a second instance on the same database', { skip: NEEDS_PG }, () => {
  let target: Target
  let first: ServerProcess
  let publicUrl: string
  const servers: ServerProcess[] = []

  const env = (overrides: Record<string, string>) => ({
    ...SERVER_ENV,
    DATA_DIR: target.dataDir,
    DATABASE_URL: target.url as string,
    PUBLIC_URL: publicUrl,
    ...overrides,
  })

  /** Starts an instance that should refuse; resolves with its exit code and output. */
  async function refused(overrides: Record<string, string>) {
    const server = startServerProcess({ name: 'second', port: await freePort(), env: env(overrides) })
    servers.push(server)
    return refusal(server)
  }

  before(async () => {
    target = await freshTarget(PG_URL, 'agree')
    const port = await freePort()
    publicUrl = `http://localhost:${port}`
    first = await startServerAndWait({ name: 'first', port, env: env({}), wait: { timeoutMs: 30_000 } })
    servers.push(first)
  })
  after(async () => {
    await Promise.all(servers.map((s) => kill9(s)))
    await target?.drop()
  })

  it('with another BETTER_AUTH_SECRET stops at start-up, naming BETTER_AUTH_SECRET', async () => {
    const { code, output } = await refused({ BETTER_AUTH_SECRET: 'another-secret-that-is-at-least-32-characters' })
    assert.equal(code, 1, output)
    assert.match(output, /BETTER_AUTH_SECRET differs from that of 1 running Taskwell instance/)
    assert.doesNotMatch(output, /PUBLIC_URL differs/)
  })

  it('with another PUBLIC_URL stops at start-up, naming PUBLIC_URL', async () => {
    const { code, output } = await refused({ PUBLIC_URL: 'http://localhost:1' })
    assert.equal(code, 1, output)
    assert.match(output, /PUBLIC_URL differs from that of 1 running Taskwell instance/)
    assert.doesNotMatch(output, /BETTER_AUTH_SECRET differs/)
    assert.ok(first.running(), 'the first instance runs on')
  })

  it('with the same settings starts beside it', async () => {
    const server = await startServerAndWait({ name: 'same', port: await freePort(), env: env({}) })
    servers.push(server)
    assert.equal((await fetch(`${server.base}/readyz`)).status, 200)
    await kill9(server)
  })

  it('never learns the secret from the database: only a keyed fingerprint is visible there', async () => {
    const { rows } = await adminQuery(
      target.url as string,
      "select application_name from pg_stat_activity where application_name like 'taskwell %'",
    )
    const names = (rows as { application_name: string }[]).map((row) => row.application_name)
    assert.ok(
      names.some((name) => /^taskwell s=[\w-]{16} u=[\w-]{16}$/.test(name)),
      `the first instance is visible by its fingerprint: ${names.join(', ')}`,
    )
    for (const name of names) {
      // Its other connections carry fixed labels: the pool (sync/announcer.ts) and the live-sync listener.
      if (name !== API_APPLICATION_NAME && name !== LISTENER_APPLICATION_NAME) {
        assert.match(name, /^taskwell s=[\w-]{16} u=[\w-]{16}$/)
      }
      assert.ok(!name.includes(SERVER_ENV.BETTER_AUTH_SECRET.slice(0, 8)))
    }
  })

  it('once the first has crashed, another PUBLIC_URL may start: only running instances count', async () => {
    await kill9(first)
    const port = await freePort()
    const server = await startServerAndWait({
      name: 'moved',
      port,
      env: env({ PUBLIC_URL: `http://localhost:${port}` }),
      wait: { timeoutMs: 30_000 },
    })
    servers.push(server)
    assert.equal((await fetch(`${server.base}/readyz`)).status, 200)
  })
})

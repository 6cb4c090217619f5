/**
 * Graceful shutdown of a real server process: SIGTERM drains the request in flight.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { freePort } from '../../testkit/free-port.js'
import { kill9, type ServerProcess, startServerAndWait } from '../../testkit/server-process.js'
import { closeDatabases, type Driver, STRONG_PASSWORD, TEST_SECRET, uniqueEmail } from '../support/harness.js'
import { withTimeout } from '../support/timeout.js'
import { serverEnv, sleep, startRequest } from './support.js'

after(closeDatabases)

/** One real server process: on PostgreSQL when there is one, else on PGlite in a temp dir. */
const SPAWN_DRIVER: Driver = process.env.TEST_DATABASE_URL ? 'pg' : 'pglite'
const dataDir = mkdtempSync(join(tmpdir(), 'taskwell-server-'))
let spawned: Promise<ServerProcess> | undefined
before(() => {
  spawned = (async () =>
    startServerAndWait({
      port: await freePort(),
      env: serverEnv({
        DATA_DIR: dataDir,
        BETTER_AUTH_SECRET: TEST_SECRET, // the shared test database's JWKS are encrypted with it
        RATE_LIMIT_SIGNUP_PER_HOUR: '1000000', // every sign-up here comes from 127.0.0.1
        ...(SPAWN_DRIVER === 'pg' ? { DATABASE_URL: process.env.TEST_DATABASE_URL as string } : {}),
      }),
      wait: { timeoutMs: 30_000 },
    }))()
  spawned.catch(() => {}) // reported by the test that awaits it
})
after(async () => {
  const server = await spawned?.catch(() => undefined)
  if (server) await kill9(server)
  rmSync(dataDir, { recursive: true, force: true })
})

describe(`graceful shutdown of a server process on ${SPAWN_DRIVER}`, () => {
  it('on SIGTERM finishes the request in flight with 201 and exits with code 0', async (ctx) => {
    const server = await (spawned as Promise<ServerProcess>)
    const email = uniqueEmail('drain')
    const body = JSON.stringify({ email, password: STRONG_PASSWORD })
    // A keep-alive client (as browsers and load balancers are): its idle connection
    // must not hold the shutdown up either.
    const agent = new http.Agent({ keepAlive: true })
    try {
      const pending = startRequest(server.port, agent, '/api/auth/signup', body)
      pending.write(body.slice(0, 20)) // headers and part of the body: the request is in flight
      await sleep(300)
      const signalled = performance.now()
      server.child.kill('SIGTERM')
      await sleep(300)
      pending.end(body.slice(20))
      const res = await pending.response
      assert.equal(res.status, 201, res.text)
      assert.equal((JSON.parse(res.text) as { user: { email: string } }).user.email, email)

      const { code } = await withTimeout(server.exited, 60_000, 'exit after SIGTERM')
      const ms = performance.now() - signalled
      ctx.diagnostic(`exited ${Math.round(ms)} ms after SIGTERM`)
      assert.equal(code, 0, server.output())
      assert.ok(ms < 3_000, `exited ${Math.round(ms)} ms after SIGTERM`)
    } finally {
      agent.destroy()
    }
  })
})

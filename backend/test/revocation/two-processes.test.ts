/**
 * Sign-out across two real server processes on one fresh PostgreSQL database, started together.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { freshTarget, type Target } from '../../testkit/databases.js'
import { freePort } from '../../testkit/free-port.js'
import { type ServerProcess, startServerProcess, terminate, waitUntilAnswers } from '../../testkit/server-process.js'
import { closeDatabases, STRONG_PASSWORD, TEST_SECRET, uniqueEmail } from '../support/harness.js'
import {
  assertAccepted,
  assertSession,
  me,
  msUntilRefused,
  NEEDS_PG,
  PG_URL,
  REVOCATION_DEADLINE_MS,
  signIn,
  signOut,
} from './support.js'

after(closeDatabases)

/** SIGTERM, then SIGKILL if it lingers; says how the process ended. */
async function stopServer(server: ServerProcess, graceMs = 10_000): Promise<string> {
  const exit = await terminate(server, graceMs)
  return exit.killed ? `killed after ${graceMs} ms` : `exit ${exit.code ?? exit.signal}`
}

const waitHealthy = (server: ServerProcess) =>
  waitUntilAnswers(server, { path: '/healthz', timeoutMs: 30_000, pollMs: 100 })

describe('sign-out across two server processes (PostgreSQL)', { skip: NEEDS_PG }, () => {
  const servers: ServerProcess[] = []
  let target: Target | undefined
  let a: ServerProcess
  let b: ServerProcess

  before(async () => {
    // A fresh database, so the two processes really race to migrate it and to create the signing
    // key (without the CREATEDB right, TEST_DATABASE_URL itself, where migrations already ran).
    target = await freshTarget(PG_URL, 'revocation', { shareOnFailure: true })
    const [portA, portB] = [await freePort(), await freePort()]
    const env = {
      DATABASE_URL: target.url as string,
      // Both name A's origin: tokens carry it as iss and aud, so each verifies the other's.
      PUBLIC_URL: `http://localhost:${portA}`,
      BETTER_AUTH_SECRET: TEST_SECRET,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      DATA_DIR: target.dataDir,
    }
    // Started together: migrations run under an advisory lock, so both must come up.
    a = startServerProcess({ name: 'A', env, port: portA })
    b = startServerProcess({ name: 'B', env, port: portB })
    servers.push(a, b)
    await Promise.all([waitHealthy(a), waitHealthy(b)])
  })

  after(async () => {
    await Promise.all(servers.map((s) => stopServer(s, 5_000)))
    await target?.drop()
  })

  it('a token from A works on B; signed out on B, A refuses it within 1 s', async (ctx) => {
    const email = uniqueEmail('procs')
    const up = await fetch(`${a.base}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: STRONG_PASSWORD }),
    })
    assert.equal(up.status, 201, `${await up.clone().text()}\n${a.output()}`)
    const userId = ((await up.json()) as { user: { id: string } }).user.id
    const s = await signIn(a.base, email)
    const other = await signIn(a.base, email)

    await assertAccepted(await me(a.base, { token: s.token }), userId, 'A, its own token')
    await assertAccepted(await me(b.base, { token: s.token }), userId, "B, A's token")
    await assertAccepted(await me(b.base, { token: s.session_token }), userId, "B, A's session token")

    const out = await signOut(b.base, { authorization: `Bearer ${s.token}` })
    const signedOutAt = performance.now()
    assert.equal(out.status, 204)
    const elapsed = await msUntilRefused(a.base, s.token, signedOutAt)
    ctx.diagnostic(`process A refused the token ${Math.round(elapsed)} ms after the sign-out on process B`)
    assert.ok(elapsed < REVOCATION_DEADLINE_MS, `A refused the token after ${Math.round(elapsed)} ms`)
    await assertSession(a.base, s, userId, false, 'A, after sign-out on B')
    await assertSession(b.base, s, userId, false, 'B, after its own sign-out')
    await assertSession(a.base, other, userId, true, 'A, the other session')
    await assertSession(b.base, other, userId, true, 'B, the other session')
  })

  it('both processes stop cleanly on SIGTERM', async () => {
    const results = await Promise.all([a, b].map((s) => stopServer(s)))
    assert.deepEqual(results, ['exit 0', 'exit 0'], `${a.output()}\n${b.output()}`)
  })
})

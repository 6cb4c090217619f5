/**
 * Two API instances behind HAProxy (round robin, following /readyz), both on PostgreSQL through
 * PgBouncer in transaction mode with DATABASE_DIRECT_URL for LISTEN: a user's story whose
 * consecutive requests land on different instances, and a sign-out on one instance that the
 * other honours within 1 s (API.md "Revocation"). Debian's packages; skipped without them.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { freshTarget, type Target } from '../../testkit/databases.js'
import { freePort } from '../../testkit/free-port.js'
import {
  HAPROXY,
  missingPrograms,
  PGBOUNCER,
  type ProxyProcess,
  startHaproxy,
  startPgbouncer,
  throughPgbouncer,
} from '../../testkit/proxies.js'
import { kill9, type ServerProcess, startServerAndWait, terminate } from '../../testkit/server-process.js'
import { msUntilRefused, REVOCATION_DEADLINE_MS, signIn, signOut } from '../revocation/support.js'
import { STRONG_PASSWORD, uniqueEmail } from '../support/harness.js'
import { failures, NEEDS_PG, PG_URL, SERVER_ENV, send, userStory } from './support.js'

const skip = NEEDS_PG || missingPrograms(PGBOUNCER, HAPROXY)

describe('two instances behind HAProxy, on PostgreSQL through PgBouncer', { skip }, () => {
  let target: Target
  let pgbouncer: ProxyProcess
  let haproxy: ProxyProcess
  let balancer: string
  let a: ServerProcess
  let b: ServerProcess
  let env: Record<string, string>
  const restarted: ServerProcess[] = []

  before(async () => {
    target = await freshTarget(PG_URL, 'balancer')
    pgbouncer = await startPgbouncer(target.url as string)
    const [port, portA, portB] = [await freePort(), await freePort(), await freePort()]
    env = {
      ...SERVER_ENV,
      DATA_DIR: target.dataDir,
      DATABASE_URL: throughPgbouncer(target.url as string, pgbouncer),
      DATABASE_DIRECT_URL: target.url as string,
      // The origin users reach: the balancer's, on every instance (tokens' iss and aud).
      PUBLIC_URL: `http://localhost:${port}`,
      TRUSTED_PROXIES: '127.0.0.1',
    }
    ;[a, b] = await Promise.all([
      startServerAndWait({ name: 'A', port: portA, env, wait: { timeoutMs: 30_000 } }),
      startServerAndWait({ name: 'B', port: portB, env, wait: { timeoutMs: 30_000 } }),
    ])
    haproxy = await startHaproxy([portA, portB], { port })
    balancer = `http://127.0.0.1:${port}`
  })
  after(async () => {
    await haproxy?.stop()
    await Promise.all([a, b, ...restarted].filter(Boolean).map((s) => kill9(s)))
    await pgbouncer?.stop()
    await target?.drop()
  })

  it("tells a user's whole story with consecutive requests on different instances, none failing", async (ctx) => {
    const answers = await userStory(balancer, uniqueEmail('balanced'), STRONG_PASSWORD)
    const served = answers.map((x) => x.instance)
    const switches = served.slice(1).filter((instance, i) => instance !== served[i]).length
    ctx.diagnostic(`${answers.length} requests, ${switches} of them on another instance than the one before`)
    assert.deepEqual(failures(answers), [], `${a.output()}\n${b.output()}`)
    assert.deepEqual(new Set(served), new Set(['api0', 'api1']), 'both instances served the story')
    assert.ok(switches >= answers.length / 2, `consecutive requests alternate: ${served.join(' ')}`)
  })

  it('a sign-out on instance A is honoured by instance B within 1 s, and through the balancer', async (ctx) => {
    const email = uniqueEmail('balanced-out')
    const up = await send(balancer, 'POST', '/api/auth/signup', undefined, { email, password: STRONG_PASSWORD })
    assert.equal(up.status, 201, up.body)
    const session = await signIn(balancer, email)
    assert.equal((await send(b.base, 'GET', '/api/me', session.token)).status, 200, 'B accepts it first')

    const out = await signOut(a.base, { authorization: `Bearer ${session.token}` })
    const signedOutAt = performance.now()
    assert.equal(out.status, 204)
    const elapsed = await msUntilRefused(b.base, session.token, signedOutAt)
    ctx.diagnostic(`instance B refused the token ${Math.round(elapsed)} ms after the sign-out on instance A`)
    assert.ok(elapsed < REVOCATION_DEADLINE_MS, `B refused the token after ${Math.round(elapsed)} ms`)
    for (let i = 0; i < 4; i++) {
      const res = await send(balancer, 'GET', '/api/me', session.token)
      assert.equal(res.status, 401, `through the balancer (${res.instance}): ${res.status}`)
    }
  })

  /** Polls the balancer until `instance` answers (its check passed), for at most 10 s. */
  async function untilServedBy(instance: string) {
    const deadline = performance.now() + 10_000
    while (performance.now() < deadline) {
      if ((await send(balancer, 'GET', '/healthz')).instance === instance) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.fail(`${instance} never came back into the balancer:\n${haproxy.output()}`)
  }

  it('a rolling restart behind it (SIGTERM, start again, one instance at a time) fails no request', async (ctx) => {
    const email = uniqueEmail('rolling')
    const up = await send(balancer, 'POST', '/api/auth/signup', undefined, { email, password: STRONG_PASSWORD })
    assert.equal(up.status, 201, up.body)
    const { token, user } = JSON.parse(up.body) as { token: string; user: { id: string } }
    const answers: { status: number; instance: string | null; error?: string }[] = []
    let running = true
    // Two clients at a person's pace: lists and creates, each on a connection the balancer keeps.
    const client = async (n: number) => {
      for (let i = 0; running; i++) {
        try {
          answers.push(
            i % 3 === 0
              ? await send(balancer, 'POST', `/api/${user.id}/tasks`, token, { title: `rolling ${n}.${i}` })
              : await send(balancer, 'GET', `/api/${user.id}/tasks?limit=5`, token),
          )
        } catch (err) {
          answers.push({ status: 0, instance: null, error: String(err) }) // a connection the balancer dropped
        }
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    const clients = [client(0), client(1)]
    for (const [index, old] of [a, b].entries()) {
      const exit = await terminate(old, 15_000)
      assert.equal(exit.code, 0, `${old.name} drained and exited 0`)
      const again = await startServerAndWait({ name: `${old.name}'`, port: old.port, env, wait: { timeoutMs: 30_000 } })
      restarted.push(again)
      if (index === 0) a = again
      else b = again
      await untilServedBy(`api${index}`) // back in the balancer before the next one goes
    }
    running = false
    await Promise.all(clients)
    const failed = answers.filter((x) => x.status < 200 || x.status >= 300)
    ctx.diagnostic(`${answers.length} requests during the rolling restart, ${failed.length} failed`)
    assert.deepEqual(
      failed.map((x) => `${x.status} on ${x.instance} ${x.error ?? ''}`),
      [],
      `${haproxy.output()}\n${a.output()}\n${b.output()}`,
    )
    assert.deepEqual(new Set(answers.map((x) => x.instance)), new Set(['api0', 'api1']))
  })
})

/**
 * e. Brute-force storm: wrong-password sign-ins must not starve honest users.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import { freshTarget } from '../../testkit/databases.js'
import { freePort } from '../../testkit/free-port.js'
import { startServerProcess, terminate, waitUntilAnswers } from '../../testkit/server-process.js'
import { taskPath } from '../../testkit/task-client.js'
import { signup, tasksOn } from '../http-client.js'
import { serverEnv } from '../servers.js'
import { type DatabaseKind, type Log, type Measured, quiet, Violations } from './measure.js'

export type StormOptions = { adminUrl: string | undefined; durationS: number; log?: Log }

/** metrics: p99Alone, p99During (ms), rpsAlone, rpsDuring, flood, flood401, flood429. */
export type StormResult = Measured & { kind: 'storm'; database: DatabaseKind; durationS: number }

/**
 * The task list at 50 connections alone, then again while 16 connections send wrong-password
 * sign-ins from one address, with the real limits and the tarpit (issue 5, item 4): the
 * list's p99 during the flood must stay within 2× its p99 without it, and the flood must be
 * refused with 429s.
 */
export async function bruteForceStorm(o: StormOptions): Promise<StormResult> {
  const log = o.log ?? quiet
  const violations = new Violations()
  const target = await freshTarget(o.adminUrl, 'storm')
  const port = await freePort()
  const env = serverEnv({
    PUBLIC_URL: `http://localhost:${port}`,
    DATA_DIR: target.dataDir,
    ...(target.url ? { DATABASE_URL: target.url } : {}),
    // The shipped sign-in limits and tarpit, not serverEnv's generous test ones.
    RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '10',
    RATE_LIMIT_SIGNIN_FAILURES_PER_IP: '50',
  })
  const server = startServerProcess({ name: 'server', env, port })
  const metrics: Record<string, number> = {}
  let requests = 0
  let acknowledged = 0
  try {
    await waitUntilAnswers(server)
    const who = await signup(server.base)
    for (let i = 0; i < 50; i++) {
      await tasksOn(server.base, who).create({ title: `storm ${i}` })
    }
    const listLoad = () =>
      autocannon({
        url: `${server.base}${taskPath(who)}?limit=50`,
        connections: 50,
        duration: o.durationS,
        headers: { authorization: `Bearer ${who.token}` },
      })
    await autocannon({ url: `${server.base}${taskPath(who)}?limit=50`, connections: 50, duration: 2 }) // warm-up
    const alone = await listLoad()
    const flood = autocannon({
      url: `${server.base}/api/auth/signin`,
      connections: 16,
      duration: o.durationS + 2,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: who.email, password: 'a wrong guess' }),
    })
    await sleep(1_000)
    const during = await listLoad()
    const f = await flood
    requests = alone.requests.total + during.requests.total + f.requests.total
    acknowledged = alone['2xx'] + during['2xx']
    const status = (code: number) => f.statusCodeStats?.[`${code}`]?.count ?? 0
    Object.assign(metrics, {
      p99Alone: alone.latency.p99,
      p99During: during.latency.p99,
      rpsAlone: alone.requests.average,
      rpsDuring: during.requests.average,
      flood: f.requests.total,
      flood401: status(401),
      flood429: status(429),
    })
    log(`  list p99 ${alone.latency.p99} ms alone, ${during.latency.p99} ms during the flood`)
    const ratio = during.latency.p99 / Math.max(1, alone.latency.p99)
    if (ratio > 2) violations.add(`list p99 during the flood is ${ratio.toFixed(2)}× its p99 without it (≤ 2)`)
    if (status(429) === 0) violations.add('the flood got no 429')
    if (alone.non2xx + during.non2xx > 0) violations.add(`${alone.non2xx + during.non2xx} list requests failed`)
    if (f['2xx'] > 0) violations.add(`${f['2xx']} wrong-password sign-ins succeeded`)
  } catch (err) {
    violations.add(`storm: ${(err as Error).message}`)
  } finally {
    await terminate(server)
    await target.drop().catch(() => {})
  }
  return {
    kind: 'storm',
    database: target.url ? 'pg' : 'pglite',
    durationS: o.durationS,
    requests,
    acknowledged,
    lost: undefined,
    serverErrors: {},
    violations: violations.list(),
    metrics,
  }
}

/**
 * The harness's balancer mode (TEST_THROUGH_BALANCER=1, decision 032): instead of an app in this
 * process, the API suite talks to two real server processes behind HAProxy (round robin,
 * following /readyz), both on TEST_DATABASE_URL's database through PgBouncer in transaction mode,
 * as test/production/ starts them. One such stack per test process, shared by every app a file
 * starts; an app whose environment differs restarts the pair with it (the instances are
 * processes: their environment is fixed at start). Everything is stopped by `stopBalancer` (the
 * harness's `closeDatabases`), or killed if this process exits first.
 */
import { isDeepStrictEqual } from 'node:util'
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
import { kill9, type ServerProcess, startServerAndWait } from '../../testkit/server-process.js'

export const THROUGH_BALANCER = process.env.TEST_THROUGH_BALANCER === '1'

/** How many instances the balancer spreads requests over. */
export const BALANCED_INSTANCES = 2

/** Why this mode cannot run here, or false. */
export function balancerUnavailable(): string | false {
  if (!process.env.TEST_DATABASE_URL) return 'TEST_THROUGH_BALANCER=1 needs TEST_DATABASE_URL (a PostgreSQL database)'
  return missingPrograms(PGBOUNCER, HAPROXY)
}

type Stack = {
  pgbouncer: ProxyProcess
  /** Started once the first pair answers. */
  haproxy?: ProxyProcess
  /** `http://127.0.0.1:PORT` of HAProxy. */
  url: string
  /** What every instance gets whatever the test asks for: the database, its pooler, the origin. */
  fixed: Record<string, string>
  ports: number[]
  instances: ServerProcess[]
  /** The environment the running pair was started with (fixed included). */
  env: Record<string, string>
  /** Apps handed out and not yet released. */
  users: number
}

let stack: Promise<Stack> | undefined
/** Starts, restarts and stops one at a time. */
let queue: Promise<unknown> = Promise.resolve()

function serially<T>(step: () => Promise<T>): Promise<T> {
  const next = queue.then(step, step)
  queue = next.catch(() => {})
  return next
}

const SKIP_IT = 'list the file in SKIPPED of test/through-balancer.ts'

export type BalancedApp = {
  /** `http://127.0.0.1:PORT`: HAProxy. */
  url: string
  /** The instances' whole environment (for loadConfig). */
  env: Record<string, string>
  release(): void
}

/**
 * An app behind the balancer with `env` (the harness's test environment plus the test's own).
 * Reuses the running pair when it has exactly this environment; restarts it otherwise, which
 * cannot happen while another app of a different environment is in use.
 */
export function balancedApp(env: Record<string, string>, dataDir: string): Promise<BalancedApp> {
  return serially(async () => {
    const unavailable = balancerUnavailable()
    if (unavailable) throw new Error(unavailable)
    const wanted = (fixed: Record<string, string>) => {
      if (env.PUBLIC_URL !== undefined && env.PUBLIC_URL !== fixed.PUBLIC_URL) {
        throw new Error(
          `through the balancer PUBLIC_URL is the balancer's (${fixed.PUBLIC_URL}), not ${env.PUBLIC_URL}: ${SKIP_IT}`,
        )
      }
      return { ...env, ...fixed }
    }
    stack ??= startStack(dataDir, wanted)
    const s = await stack
    const full = wanted(s.fixed)
    if (!isDeepStrictEqual(full, s.env)) {
      if (s.users > 0) {
        throw new Error(
          `through the balancer one pair of instances serves every app, and this file holds two with different environments at once: ${SKIP_IT}`,
        )
      }
      await restartPair(s, full)
    }
    s.users++
    let released = false
    return {
      url: s.url,
      env: s.env,
      release() {
        if (!released) s.users--
        released = true
      },
    }
  })
}

async function startStack(
  dataDir: string,
  envOf: (fixed: Record<string, string>) => Record<string, string>,
): Promise<Stack> {
  const database = process.env.TEST_DATABASE_URL as string
  const pgbouncer = await startPgbouncer(database)
  const s: Stack = { pgbouncer, url: '', fixed: {}, ports: [], instances: [], env: {}, users: 0 }
  try {
    const port = await freePort()
    s.url = `http://127.0.0.1:${port}`
    for (let i = 0; i < BALANCED_INSTANCES; i++) s.ports.push(await freePort())
    s.fixed = {
      DATA_DIR: dataDir,
      DATABASE_URL: throughPgbouncer(database, pgbouncer),
      DATABASE_DIRECT_URL: database,
      // The origin users reach (tokens' iss and aud): the balancer's, on every instance.
      PUBLIC_URL: `http://localhost:${port}`,
    }
    await startPair(s, envOf(s.fixed))
    s.haproxy = await startHaproxy(s.ports, { port })
    return s
  } catch (err) {
    await Promise.all(s.instances.map((i) => kill9(i)))
    await pgbouncer.stop()
    throw err
  }
}

async function startPair(s: Stack, env: Record<string, string>): Promise<void> {
  const started = await Promise.allSettled(
    s.ports.map((port, i) => startServerAndWait({ name: `api${i}`, port, env, wait: { timeoutMs: 60_000 } })),
  )
  s.instances = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const failed = started.find((r) => r.status === 'rejected')
  if (failed) {
    await Promise.all(s.instances.map((i) => kill9(i)))
    s.instances = []
    throw (failed as PromiseRejectedResult).reason
  }
  s.env = env
}

/** How often the pair was restarted for another environment (what a file order costs). */
let restarts = 0

async function restartPair(s: Stack, env: Record<string, string>): Promise<void> {
  restarts++
  // Killed, not drained: no test is using them, and a restart should cost as little as it can.
  await Promise.all(s.instances.map((i) => kill9(i)))
  await startPair(s, env)
  if (s.haproxy) await untilAllServe(s)
}

/** Waits until HAProxy has seen every instance come back (its checks run every 200 ms). */
async function untilAllServe(s: Stack): Promise<void> {
  const seen = new Set<string>()
  const deadline = performance.now() + 15_000
  while (seen.size < BALANCED_INSTANCES) {
    try {
      const res = await fetch(`${s.url}/readyz`)
      await res.arrayBuffer()
      const by = res.headers.get('x-served-by')
      if (res.status === 200 && by) seen.add(by)
    } catch {
      // a connection HAProxy dropped while an instance was down
    }
    if (performance.now() > deadline)
      throw new Error(`the balancer did not serve every restarted instance:\n${s.haproxy?.output()}`)
    if (seen.size < BALANCED_INSTANCES) await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const stopHooks: (() => Promise<void>)[] = []

/** Runs `fn` when the stack stops: for what lives as long as the instances (a shared mail catcher). */
export function atBalancerStop(fn: () => Promise<void>): void {
  stopHooks.push(fn)
}

/** Stops the stack (HAProxy, the instances, PgBouncer); a no-op when none was started. */
export function stopBalancer(): Promise<void> {
  return serially(async () => {
    const running = stack
    stack = undefined
    const s = await running?.catch(() => undefined)
    for (const hook of stopHooks.splice(0)) await hook()
    if (!s) return
    console.log(`# through the balancer: the pair of instances was restarted ${restarts} times for other environments`)
    await s.haproxy?.stop()
    await Promise.all(s.instances.map((i) => kill9(i)))
    await s.pgbouncer.stop()
  })
}

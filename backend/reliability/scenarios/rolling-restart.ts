/**
 * c. Rolling restart: two instances restarted one after the other under load, with a client
 * that routes by /readyz and one that does not.
 */
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { freshTarget } from '../../testkit/databases.js'
import { freePort } from '../../testkit/free-port.js'
import { type ServerProcess, startServerProcess, terminate, waitUntilAnswers } from '../../testkit/server-process.js'
import { call, type Reply, RequestFailed, signup, tasksOn } from '../http-client.js'
import { now, round } from '../numbers.js'
import { serverEnv } from '../servers.js'
import { countStatus, type Log, type Measured, quiet, readBack, Violations } from './measure.js'

type Name = 'A' | 'B'
type Op = 'list' | 'read' | 'create'
type Attempt = { server: Name; start: number; end: number; status: number; error?: string; reused: boolean }
type ClientRecord = {
  client: ClientKind
  op: Op
  attempts: Attempt[]
  status: number
  createdId?: string
  title?: string
}
/**
 * `routed`: sends only to instances whose /readyz said 200 at the last poll (every 100 ms), as
 * a load balancer does. `plain`: alternates blindly. Both retry on the other instance: a GET
 * after any connection error, a POST only when its connection was refused (it never arrived).
 */
type ClientKind = 'routed' | 'plain'

export type RollingOptions = {
  adminUrl: string
  /** Use `adminUrl` itself when a database cannot be created there (tests). */
  shareOnFailure?: boolean
  /** Client loops of each kind. */
  loopsPerClient: number
  /** Instances to restart, in order (e.g. ['A', 'B']). */
  restarts: Name[]
  warmMs: number
  /** Load after each restart before the next step. */
  settleMs: number
  log?: Log
}

/** One restart: SIGTERM → exit (drain) and SIGTERM → the restarted process ready (back), in ms. */
export type RestartStep = { name: Name; drainMs: number; backMs: number; exit: number | NodeJS.Signals | null }

/**
 * One client's view of the restarts. metrics: failed, acceptQueueResets, retried, inFlight
 * (requests in flight at the SIGTERMs, slow uploads included), lost, requests.
 */
export type RollingResult = Measured & {
  kind: 'rolling'
  client: ClientKind
  restarts: Name[]
  loopsPerClient: number
  steps: RestartStep[]
}

/** The rolling restart could not complete: what was measured until then. */
export type RollingAborted = Measured & { kind: 'rolling-aborted' }

const HEALTH_POLL_MS = 100

async function send(
  instances: Record<Name, ServerProcess>,
  agents: Record<Name, http.Agent>,
  first: Name,
  client: ClientKind,
  op: Op,
  request: (base: string, agent: http.Agent) => Promise<Reply>,
): Promise<ClientRecord> {
  const order: Name[] = first === 'A' ? ['A', 'B'] : ['B', 'A']
  const attempts: Attempt[] = []
  for (const name of order) {
    try {
      const res = await request(instances[name].base, agents[name])
      attempts.push({ server: name, start: res.start, end: res.end, status: res.status, reused: res.reusedSocket })
      const createdId = res.status === 201 ? (JSON.parse(res.text) as { id: string }).id : undefined
      return { client, op, attempts, status: res.status, ...(createdId ? { createdId } : {}) }
    } catch (err) {
      if (!(err instanceof RequestFailed)) throw err
      attempts.push({
        server: name,
        start: err.start,
        end: err.end,
        status: 0,
        error: err.code,
        reused: err.reusedSocket,
      })
      if (op === 'create' && err.code !== 'ECONNREFUSED') break
    }
  }
  return { client, op, attempts, status: 0 }
}

/**
 * Two instances under two clients at once (see ClientKind); each instance in `restarts` gets
 * SIGTERM (with a slow upload in flight), must exit 0 after answering it, and is started again.
 * Returns one result per client.
 */
export async function rollingRestart(o: RollingOptions): Promise<(RollingResult | RollingAborted)[]> {
  const log = o.log ?? quiet
  const violations = { routed: new Violations(), plain: new Violations() }
  const shared = new Violations() // about the servers: exit codes, in-flight requests, the slow uploads
  const records: ClientRecord[] = []
  const target = await freshTarget(o.adminUrl, 'rolling', { shareOnFailure: o.shareOnFailure ?? false })
  const stop = { now: false }
  const loops: Promise<void>[] = []
  const steps: (RestartStep & { inFlight: number })[] = []
  /** From SIGTERM to the exit of each stopped instance. */
  const stopWindows: { name: Name; from: number; to: number }[] = []
  const ready: Record<Name, boolean> = { A: false, B: false }
  let lost = 0
  const ports = { A: await freePort(), B: await freePort() }
  const env = serverEnv({
    DATABASE_URL: target.url as string,
    PUBLIC_URL: `http://localhost:${ports.A}`,
    DATA_DIR: target.dataDir,
  })
  const instances: Record<Name, ServerProcess> = {
    A: startServerProcess({ name: 'A', env, port: ports.A }),
    B: startServerProcess({ name: 'B', env, port: ports.B }),
  }
  const agents = { routed: keepAliveAgents(), plain: keepAliveAgents() }
  try {
    await Promise.all([waitUntilAnswers(instances.A), waitUntilAnswers(instances.B)])
    const who = await signup(instances.A.base)
    const readIds: string[] = []
    for (let i = 0; i < 10; i++) {
      const res = await tasksOn(instances.A.base, who).create({ title: `seed ${i}` })
      readIds.push((JSON.parse(res.text) as { id: string }).id)
    }
    const deadline = now() + 120_000
    for (const name of ['A', 'B'] as const) {
      loops.push(
        (async () => {
          while (!stop.now && now() < deadline) {
            const res = await call(instances[name].base, 'GET', '/readyz', { timeoutMs: 1_000 }).catch(() => undefined)
            ready[name] = res?.status === 200
            await sleep(HEALTH_POLL_MS)
          }
        })(),
      )
    }
    for (const client of ['routed', 'plain'] as const) {
      for (let i = 0; i < o.loopsPerClient; i++) {
        loops.push(
          (async () => {
            for (let k = 0; k < 1_000_000 && !stop.now && now() < deadline; k++) {
              const op = (['list', 'read', 'create'] as const)[(k + i) % 3] as Op
              let first: Name = (k + i) % 2 === 0 ? 'A' : 'B'
              const other: Name = first === 'A' ? 'B' : 'A'
              if (client === 'routed' && !ready[first] && ready[other]) first = other
              const title = `rolling ${client} ${i}.${k}`
              const readId = readIds[k % readIds.length]
              const record = await send(instances, agents[client], first, client, op, (base, agent) =>
                op === 'create'
                  ? tasksOn(base, who).create({ title }, { agent })
                  : op === 'read'
                    ? tasksOn(base, who).read(readId as string, { agent })
                    : tasksOn(base, who).list({ limit: 20 }, { agent }),
              )
              records.push(op === 'create' ? { ...record, title } : record)
            }
          })(),
        )
      }
    }
    await sleep(o.warmMs)
    for (const name of o.restarts) {
      const old = instances[name]
      // A slow upload that straddles the SIGTERM: it must still be answered, before the exit.
      const slow = tasksOn(old.base, who)
        .create({ title: `slow upload to ${name}` }, { slowBodyMs: 1_000, timeoutMs: 15_000 })
        .catch((err: unknown) => err as Error)
      await sleep(300)
      const tTerm = now()
      const exit = await terminate(old, 15_000)
      stopWindows.push({ name, from: tTerm, to: exit.at })
      const slowRes = await slow
      if (exit.code !== 0 || exit.killed) {
        shared.add(`${name} ended with ${exit.killed ? 'SIGKILL after 15 s' : (exit.code ?? exit.signal)}`)
      }
      if (slowRes instanceof Error) shared.add(`the slow upload to ${name} failed: ${slowRes.message}`)
      else if (slowRes.status !== 201) shared.add(`the slow upload to ${name} got ${slowRes.status}`)
      else if (slowRes.end > exit.at) shared.add(`the slow upload to ${name} was answered after the exit`)
      // Every request the old process had accepted when it got SIGTERM was answered by it.
      const inFlight = records
        .flatMap((r) => r.attempts)
        .filter((t) => t.server === name && t.start < tTerm && t.end > tTerm)
      for (const t of inFlight) {
        if (t.status < 200 || t.status >= 300) {
          shared.add(`a request in flight on ${name} at SIGTERM got ${t.status || t.error}`)
        }
      }
      instances[name] = startServerProcess({ name: name, env, port: ports[name] })
      const readyAt = await waitUntilAnswers(instances[name])
      steps.push({
        name,
        drainMs: exit.at - tTerm,
        backMs: readyAt - tTerm,
        inFlight: inFlight.length + (slowRes instanceof Error ? 0 : 1),
        exit: exit.code ?? exit.signal,
      })
      log(
        `  ${name}: SIGTERM → exit ${exit.code ?? exit.signal} after ${round(exit.at - tTerm)} ms, ` +
          `${inFlight.length} requests and the slow upload in flight; ready again ${round(readyAt - tTerm)} ms after SIGTERM`,
      )
      await sleep(o.settleMs)
    }
    stop.now = true
    await Promise.all(loops)

    // A POST of the plain client reset on a brand-new connection while an instance was stopping:
    // Linux resets the connections still in a listener's accept queue when it closes, so only a
    // client that stops sending first (as the routed one does) avoids it. Reported, not blamed.
    const acceptQueueReset = (r: ClientRecord) => {
      const last = r.attempts.at(-1)
      return (
        r.client === 'plain' &&
        r.op === 'create' &&
        last !== undefined &&
        last.error === 'ECONNRESET' &&
        !last.reused &&
        stopWindows.some((w) => w.name === last.server && last.start >= w.from && last.start <= w.to)
      )
    }
    for (const r of records) {
      if ((r.status < 200 || r.status >= 300) && !acceptQueueReset(r)) {
        const tries = r.attempts.map((t) => `${t.server}:${t.status || `${t.error}${t.reused ? ' (reused)' : ''}`}`)
        violations[r.client].add(`${r.op} failed for the client (${tries.join(', ')})`)
      }
    }
    const created = new Map<string, string>()
    for (const r of records) if (r.createdId && r.title) created.set(r.createdId, r.title)
    const back = await readBack(instances.A.base, who, created)
    lost = back.missing.length
    for (const s of back.surprises) shared.add(s)
    if (lost) shared.add(`${lost} acknowledged tasks are missing`)

    return (['routed', 'plain'] as const).map((client): RollingResult => {
      const mine = records.filter((r) => r.client === client)
      const failed = mine.filter((r) => r.status < 200 || r.status >= 300)
      const resets = mine.filter(acceptQueueReset).length
      const retried = mine.filter((r) => r.attempts.length > 1).length
      const serverErrors: Record<number, number> = {}
      for (const r of mine) countStatus(serverErrors, r.status)
      const inFlight = steps.reduce((n, s) => n + s.inFlight, 0)
      return {
        kind: 'rolling',
        client,
        restarts: o.restarts,
        loopsPerClient: o.loopsPerClient,
        steps: steps.map(({ name, drainMs, backMs, exit }) => ({ name, drainMs, backMs, exit })),
        requests: mine.length,
        acknowledged: mine.length - failed.length,
        lost: mine.filter((r) => r.createdId && back.missing.includes(r.createdId)).length,
        serverErrors,
        violations: [...shared.list(), ...violations[client].list()],
        metrics: { failed: failed.length, acceptQueueResets: resets, retried, inFlight, lost, requests: mine.length },
      }
    })
  } catch (err) {
    shared.add(`rolling restart: ${(err as Error).message}`)
    return [
      {
        kind: 'rolling-aborted',
        requests: records.length,
        acknowledged: records.filter((r) => r.status >= 200 && r.status < 300).length,
        lost: undefined,
        serverErrors: {},
        violations: shared.list(),
        metrics: {},
      },
    ]
  } finally {
    stop.now = true
    await Promise.all(loops).catch(() => {})
    for (const set of Object.values(agents)) for (const agent of Object.values(set)) agent.destroy()
    await Promise.all(Object.values(instances).map((s) => terminate(s)))
    await target.drop().catch(() => {})
  }
}

function keepAliveAgents(): Record<Name, http.Agent> {
  return { A: new http.Agent({ keepAlive: true }), B: new http.Agent({ keepAlive: true }) }
}

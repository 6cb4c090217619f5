/**
 * b. Database outage: a private PostgreSQL cluster stopped and started under load; answers
 * fail fast with 503, recover without a restart, and revocation keeps working.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { unreachable } from '../../testkit/databases.js'
import { onExit } from '../../testkit/exit-cleanup.js'
import { freePort } from '../../testkit/free-port.js'
import { type ServerProcess, startServerProcess, terminate, waitUntilAnswers } from '../../testkit/server-process.js'
import { type ClusterProbe, createCluster } from '../cluster.js'
import { call, PASSWORD, type Reply, RequestFailed, signup, tasksOn } from '../http-client.js'
import { now, round } from '../numbers.js'
import { serverEnv } from '../servers.js'
import { judgeOutageRequests, type OutageRecord, RECOVERY_DEADLINE_MS } from './database-outage-requests.js'
import { judgeStreamOutage, OUTAGE_HEARTBEAT_SECONDS, streamWhileDown, watchStream } from './database-outage-stream.js'
import { countStatus, type Log, type Measured, quiet, readBack, revocationDelay, Violations } from './measure.js'

export type OutageOptions = {
  probe: ClusterProbe & { ok: true }
  outageMs: number
  loopsPerInstance: number
  warmMs: number
  stopMode: 'fast' | 'immediate'
  log?: Log
}

/** What the outage showed, once the scenario got to the end (ms unless said). */
export type OutageObserved = {
  /** List/create requests sent and answered while the database was down. */
  requestsWhileDown: number
  /** Whether every one of them was a 503. */
  all503: boolean
  /** The slowest request from the stop to RECOVERY_DEADLINE_MS after the start. */
  worstMs: number
  /** /readyz answers while the database was down. */
  readyzWhileDown: number
  /** Per instance: the database accepting connections → its revocation listener reconnected. */
  listenerMs: number[]
  /** Each way (B → A, A → B): sign-out on one instance → refused on the other. */
  revocationMs: number[]
  /** The database accepting connections → `resync` on the live-sync stream open through it. */
  streamResyncMs: number
}

export type OutageResult = Measured & {
  kind: 'outage'
  stopMode: OutageOptions['stopMode']
  loopsPerInstance: number
  outageMs: number
  /** The database accepting connections → both instances answering again; NaN when they did not. */
  recoveryMs: number
  /** Undefined when the scenario could not get to the end. */
  observed: OutageObserved | undefined
}

/** API.md "Revocation": every instance refuses a signed-out session within 1 s. */
const REVOCATION_DEADLINE_MS = 1_000
const LISTENER_LOG = /revocation listener/

export async function databaseOutage(o: OutageOptions): Promise<OutageResult> {
  const log = o.log ?? quiet
  const violations = new Violations()
  const records: OutageRecord[] = []
  const servers: ServerProcess[] = []
  const dataDir = mkdtempSync(join(tmpdir(), 'taskwell-outage-'))
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true })
  const unregisterDataDir = onExit(removeDataDir)
  const metrics: Record<string, number> = {}
  const acked = new Map<string, string>()
  let lost = 0
  let recoveryMs = Number.NaN
  let observed: OutageObserved | undefined
  const cluster = await createCluster(o.probe.tools)
  const stop = { now: false }
  const loops: Promise<void>[] = []
  const agents: http.Agent[] = []
  try {
    const [portA, portB] = [await freePort(), await freePort()]
    // LOG_LEVEL info (the default) so the revocation listener's reconnection can be timed.
    const env = serverEnv({
      DATABASE_URL: cluster.url,
      PUBLIC_URL: `http://localhost:${portA}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      SYNC_HEARTBEAT_SECONDS: OUTAGE_HEARTBEAT_SECONDS,
    })
    const a = startServerProcess({ name: 'A', env, port: portA, watch: LISTENER_LOG })
    const b = startServerProcess({ name: 'B', env, port: portB, watch: LISTENER_LOG })
    servers.push(a, b)
    await Promise.all([waitUntilAnswers(a), waitUntilAnswers(b)])
    const who = await signup(a.base)
    const deadline = now() + 120_000

    const record = async (server: ServerProcess, op: OutageRecord['op'], send: () => Promise<Reply>) => {
      try {
        const res = await send()
        records.push({
          server: server.name,
          op,
          start: res.start,
          end: res.end,
          status: res.status,
          problemJson: (res.headers['content-type'] ?? '').startsWith('application/problem+json'),
          retryAfter: res.headers['retry-after'],
        })
        return res
      } catch (err) {
        if (!(err instanceof RequestFailed)) throw err
        records.push({
          server: server.name,
          op,
          start: err.start,
          end: err.end,
          status: 0,
          error: err.code,
          problemJson: false,
          retryAfter: undefined,
        })
        return undefined
      }
    }

    for (const server of servers) {
      const agent = new http.Agent({ keepAlive: true })
      agents.push(agent)
      for (let i = 0; i < o.loopsPerInstance; i++) {
        loops.push(
          (async () => {
            for (let k = 0; k < 1_000_000 && !stop.now && now() < deadline; k++) {
              const create = (k + i) % 2 === 1
              const title = `outage ${server.name}.${i}.${k}`
              const res = await record(server, create ? 'create' : 'list', () =>
                create
                  ? tasksOn(server.base, who).create({ title }, { agent })
                  : tasksOn(server.base, who).list({ limit: 20 }, { agent }),
              )
              if (res?.status === 201) acked.set((JSON.parse(res.text) as { id: string }).id, title)
              // A mild back-off after a failure, so the 2 cores are not spent on spinning loops.
              if (!res || res.status >= 400) await sleep(50)
            }
          })(),
        )
      }
      loops.push(
        (async () => {
          while (!stop.now && now() < deadline) {
            await record(server, 'readyz', () => call(server.base, 'GET', '/readyz', { timeoutMs: 5_000 }))
            await sleep(100)
          }
        })(),
      )
    }

    // A live-sync stream on B, open through the whole outage; a request for another comes meanwhile.
    const watched = await watchStream(b.base, who)

    await sleep(o.warmMs)
    const tStop = now()
    await cluster.stop(o.stopMode)
    const tDown = now()
    log(`  database stopped (pg_ctl stop -m ${o.stopMode}: ${round(tDown - tStop)} ms)`)
    await sleep(o.outageMs / 2)
    // Two more paths that need the database: a session-token lookup (Better Auth) and a sign-in.
    await record(a, 'me (session token)', () => call(a.base, 'GET', '/api/me', { token: who.sessionToken }))
    await record(b, 'sign-in', () =>
      call(b.base, 'POST', '/api/auth/signin', { json: { email: who.email, password: PASSWORD } }),
    )
    const askedWhileDown = await streamWhileDown(a.base, who)
    await sleep(Math.max(0, tDown + o.outageMs - now()))
    const tStart = now()
    // When the database really accepts connections again: pg_ctl -w only polls for it.
    const dbUp = (async () => {
      while (now() - tStart < 60_000) {
        if ((await unreachable(cluster.url)) === undefined) return now()
        await sleep(20)
      }
      return undefined
    })()
    await cluster.start()
    const tUp = (await dbUp) ?? now()
    log(
      `  database started again (pg_ctl start -w: ${round(now() - tStart)} ms; accepting after ${round(tUp - tStart)} ms)`,
    )

    const streamResync = judgeStreamOutage(watched, askedWhileDown, { tStop, tUp }, violations)

    // Recovered: for each instance, several successes of both kinds after its last failure.
    const recoveredAt = async (server: ServerProcess): Promise<number | undefined> => {
      const limit = tUp + RECOVERY_DEADLINE_MS * 2
      while (now() < limit) {
        const mine = records.filter((r) => r.server === server.name && r.op !== 'readyz' && r.start >= tDown)
        const lastBad = mine.reduce((t, r) => (r.status >= 200 && r.status < 300 ? t : Math.max(t, r.end)), -1)
        const after = mine.filter((r) => r.start > lastBad && r.status >= 200 && r.status < 300)
        const ready = records.some(
          (r) => r.server === server.name && r.op === 'readyz' && r.start >= tUp && r.status === 200,
        )
        if (ready && after.some((r) => r.op === 'list') && after.some((r) => r.op === 'create') && after.length >= 4) {
          return Math.min(...after.map((r) => r.end))
        }
        await sleep(50)
      }
      return undefined
    }
    const recovered = await Promise.all(servers.map(recoveredAt))
    if (recovered.some((t) => t === undefined)) {
      violations.add(`no recovery within ${(RECOVERY_DEADLINE_MS * 2) / 1000} s of the database coming back`)
    } else {
      recoveryMs = Math.max(0, ...recovered.map((t) => (t as number) - tUp))
      if (recoveryMs > RECOVERY_DEADLINE_MS) violations.add(`recovery took ${round(recoveryMs)} ms`)
      log(`  both instances answer again ${round(recoveryMs)} ms after the database accepted connections`)
    }

    // Revocation after the restart: signed out on one instance, refused on the other, which
    // only learns of it through its LISTEN connection (reconnected) or the reload that follows it.
    const revocation: number[] = []
    for (const [from, to] of [
      [b, a],
      [a, b],
    ] as const) {
      const ms = await revocationDelay(from, to, who.email)
      if (typeof ms === 'string') violations.add(`revocation ${from.name} → ${to.name}: ${ms}`)
      else {
        revocation.push(ms)
        if (ms > REVOCATION_DEADLINE_MS) {
          violations.add(`revocation ${from.name} → ${to.name}: refused only after ${round(ms)} ms`)
        }
      }
    }
    metrics.revocationMaxMs = revocation.length === 2 ? Math.max(...revocation) : Number.NaN
    log(`  sign-out after recovery refused on the other instance within ${revocation.map(round).join(' / ')} ms`)

    // The revocation listener of each instance, reconnected after the database came back.
    const listenerMs: number[] = []
    const reconnected = (server: ServerProcess) =>
      server.marks.find((m) => m.at >= tStart && /reconnected/.test(m.line))
    for (let i = 0; i < 100 && !servers.every(reconnected); i++) await sleep(50)
    for (const server of servers) {
      const back = reconnected(server)
      if (!back) violations.add(`${server.name}: the revocation listener did not log its reconnection`)
      else listenerMs.push(Math.max(0, back.at - tUp))
    }
    metrics.listenerMaxMs = listenerMs.length ? Math.max(...listenerMs) : Number.NaN
    if (metrics.listenerMaxMs > REVOCATION_DEADLINE_MS) {
      violations.add(`a revocation listener reconnected only ${round(metrics.listenerMaxMs)} ms after the database`)
    }

    await sleep(300)
    stop.now = true
    await Promise.all(loops)
    for (const server of servers) {
      if (!server.running()) violations.add(`server ${server.name} died: ${server.output().slice(-2_000)}`)
    }

    const { traffic, window, readyDown } = judgeOutageRequests(records, { tStop, tDown, tStart, tUp }, violations)
    const down = traffic.filter((r) => r.start >= tDown && r.end <= tStart)
    const worst = Math.max(0, ...window.map((r) => r.end - r.start))
    metrics.requestsWhileDown = down.length
    metrics.worstMsInOutage = worst
    metrics.recoveryMs = recoveryMs
    metrics.readyzWhileDown = readyDown.length
    metrics.streamResyncMs = await streamResync

    const back = await readBack(a.base, who, acked)
    lost = back.missing.length
    for (const s of back.surprises) violations.add(s)
    if (lost) violations.add(`${lost} acknowledged tasks are missing after the outage`)
    observed = {
      requestsWhileDown: down.length,
      all503: down.every((r) => r.status === 503),
      worstMs: worst,
      readyzWhileDown: readyDown.length,
      listenerMs,
      revocationMs: revocation,
      streamResyncMs: await streamResync,
    }
  } catch (err) {
    violations.add(`outage scenario: ${(err as Error).message}`)
  } finally {
    stop.now = true
    await Promise.all(loops).catch(() => {})
    for (const agent of agents) agent.destroy()
    for (const server of servers) {
      const exit = await terminate(server)
      if (exit.code !== 0) violations.add(`server ${server.name} ended with ${exit.code ?? exit.signal} on SIGTERM`)
    }
    await cluster.destroy()
    removeDataDir()
    unregisterDataDir()
  }
  const traffic = records.filter((r) => r.op === 'list' || r.op === 'create')
  const serverErrors: Record<number, number> = {}
  for (const r of traffic) countStatus(serverErrors, r.status)
  return {
    kind: 'outage',
    stopMode: o.stopMode,
    loopsPerInstance: o.loopsPerInstance,
    outageMs: o.outageMs,
    recoveryMs,
    observed,
    requests: traffic.length,
    acknowledged: traffic.filter((r) => r.status >= 200 && r.status < 300).length,
    lost,
    serverErrors,
    violations: violations.list(),
    metrics,
  }
}

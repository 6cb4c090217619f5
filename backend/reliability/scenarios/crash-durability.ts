/**
 * a. Crash durability: `kill -9` under a create load; every acknowledged task survives.
 */
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { freshTarget } from '../../testkit/databases.js'
import { freePort } from '../../testkit/free-port.js'
import {
  kill9,
  type ServerProcess,
  startServerProcess,
  terminate,
  waitUntilAnswers,
} from '../../testkit/server-process.js'
import { RequestFailed, signup, tasksOn } from '../http-client.js'
import { now, round } from '../numbers.js'
import { serverEnv } from '../servers.js'
import { countStatus, type Log, type Measured, quiet, readBack, Violations } from './measure.js'

export type CrashOptions = {
  driver: 'pg' | 'pglite'
  /** PostgreSQL to create the throw-away database beside (driver 'pg'). */
  adminUrl?: string
  /** Use `adminUrl` itself when a database cannot be created there (tests). */
  shareOnFailure?: boolean
  cycles: number
  /** Concurrent create loops. */
  loops: number
  /** The kill comes a random time in this range (ms) after the load starts. */
  killAfterMs: [number, number]
  log?: Log
}

export type CrashResult = Measured & {
  kind: 'crash'
  database: CrashOptions['driver']
  cycles: number
  loops: number
  /** Per cycle: from the start of the load to the kill (ms). */
  loadMs: number[]
  /** Per cycle: from the kill to the restarted process answering /readyz 200 (ms). */
  recoveryMs: number[]
  /** Requests in flight at a kill that got no answer. */
  unanswered: number
}

export async function crashDurability(o: CrashOptions): Promise<CrashResult> {
  const log = o.log ?? quiet
  const label = o.driver === 'pg' ? 'PostgreSQL' : 'PGlite'
  const target = await freshTarget(o.driver === 'pg' ? o.adminUrl : undefined, `crash_${o.driver}`, {
    shareOnFailure: o.shareOnFailure ?? false,
  })
  const port = await freePort()
  const env = serverEnv({
    PUBLIC_URL: `http://localhost:${port}`,
    DATA_DIR: target.dataDir,
    ...(target.url ? { DATABASE_URL: target.url } : {}),
  })
  const violations = new Violations()
  const acked = new Map<string, string>()
  const serverErrors: Record<number, number> = {}
  const recoveries: number[] = []
  const loadMs: number[] = []
  let requests = 0
  let unanswered = 0
  const lostIds = new Set<string>()
  let server: ServerProcess = startServerProcess({ name: `${label} server`, env, port })
  try {
    await waitUntilAnswers(server)
    const who = await signup(server.base)
    for (let cycle = 1; cycle <= o.cycles; cycle++) {
      const agent = new http.Agent({ keepAlive: true })
      const cycleAcked = new Map<string, string>()
      let killed = false
      const started = now()
      const deadline = started + 60_000
      const base = server.base
      const workers = Array.from({ length: o.loops }, async (_, loop) => {
        for (let k = 0; k < 1_000_000 && now() < deadline; k++) {
          const title = `crash ${cycle}.${loop}.${k}`
          requests++
          try {
            const res = await tasksOn(base, who).create({ title }, { agent })
            if (res.status === 201) cycleAcked.set((JSON.parse(res.text) as { id: string }).id, title)
            else {
              countStatus(serverErrors, res.status)
              violations.add(`${label} cycle ${cycle}: create answered ${res.status}`)
            }
          } catch (err) {
            if (!(err instanceof RequestFailed)) throw err
            unanswered++
            if (!killed) violations.add(`${label} cycle ${cycle}: ${err.code} before the kill`)
            return
          }
        }
      })
      const [min, max] = o.killAfterMs
      await sleep(min + Math.random() * (max - min))
      killed = true
      const killedAt = now()
      loadMs.push(killedAt - started)
      await kill9(server)
      await Promise.all(workers)
      agent.destroy()
      for (const [id, title] of cycleAcked) acked.set(id, title)

      server = startServerProcess({ name: `${label} server`, env, port })
      const readyAt = await waitUntilAnswers(server)
      recoveries.push(readyAt - killedAt)
      const { missing, surprises } = await readBack(server.base, who, cycleAcked)
      for (const id of missing) lostIds.add(id)
      for (const s of surprises) violations.add(`${label} cycle ${cycle}: ${s}`)
      log(
        `  ${label} cycle ${cycle}: killed after ${round(killedAt - started)} ms, ${cycleAcked.size} acknowledged, ` +
          `${missing.length} lost, ready again ${round(readyAt - killedAt)} ms after the kill`,
      )
    }
    // Once more at the end: a later crash must not take an earlier cycle's tasks with it.
    const final = await readBack(server.base, who, acked)
    for (const id of final.missing) lostIds.add(id)
    for (const s of final.surprises) violations.add(`${label} final read-back: ${s}`)
    const exit = await terminate(server)
    if (exit.code !== 0) violations.add(`${label}: the last server ended with ${exit.code ?? exit.signal} on SIGTERM`)
  } catch (err) {
    violations.add(`${label}: ${(err as Error).message}`)
  } finally {
    await kill9(server)
    await target.drop().catch((err: unknown) => violations.add(`could not drop the database: ${err}`))
  }
  if (lostIds.size > 0) violations.add(`${label}: ${lostIds.size} acknowledged tasks are missing after a restart`)
  return {
    kind: 'crash',
    database: o.driver,
    cycles: o.cycles,
    loops: o.loops,
    loadMs,
    recoveryMs: recoveries,
    unanswered,
    requests,
    acknowledged: acked.size,
    lost: lostIds.size,
    serverErrors,
    violations: violations.list(),
    metrics: {
      requests,
      acknowledged: acked.size,
      lost: lostIds.size,
      unanswered,
      recoveryMaxMs: recoveries.length ? Math.max(...recoveries) : Number.NaN,
    },
  }
}

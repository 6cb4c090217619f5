/**
 * d. Memory: the RSS of a server process idle, under load and after it.
 */
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { freshTarget } from '../../testkit/databases.js'
import { freePort } from '../../testkit/free-port.js'
import { startServerProcess, terminate, waitUntilAnswers } from '../../testkit/server-process.js'
import { call, RequestFailed, signup, tasksOn } from '../http-client.js'
import { now } from '../numbers.js'
import { rssBytes, serverEnv } from '../servers.js'
import { countStatus, type DatabaseKind, type Log, type Measured, quiet, Violations } from './measure.js'

export type MemoryOptions = { adminUrl?: string; durationS: number; loops: number; log?: Log }

/** metrics: the server's RSS in bytes idle, warm, after the load, at its peak and settled. */
export type MemoryResult = Measured & {
  kind: 'memory'
  database: DatabaseKind
  durationS: number
  loops: number
  /** RSS in bytes every 10 s of the load. */
  samples: number[]
}

export async function memory(o: MemoryOptions): Promise<MemoryResult> {
  const log = o.log ?? quiet
  const violations = new Violations()
  const target = await freshTarget(o.adminUrl, 'memory')
  const port = await freePort()
  const env = serverEnv({
    PUBLIC_URL: `http://localhost:${port}`,
    DATA_DIR: target.dataDir,
    ...(target.url ? { DATABASE_URL: target.url } : {}),
  })
  const server = startServerProcess({ name: 'server', env, port })
  const serverErrors: Record<number, number> = {}
  let requests = 0
  let acknowledged = 0
  const rss: Record<string, number> = {}
  const samples: number[] = []
  try {
    await waitUntilAnswers(server)
    await sleep(1_000)
    rss.idle = rssBytes(server.pid)
    const who = await signup(server.base)
    const readIds: string[] = []
    for (let i = 0; i < 20; i++) {
      const res = await tasksOn(server.base, who).create({ title: `seed ${i}` })
      readIds.push((JSON.parse(res.text) as { id: string }).id)
    }
    const runLoad = async (ms: number) => {
      const deadline = now() + ms
      const agent = new http.Agent({ keepAlive: true })
      await Promise.all(
        Array.from({ length: o.loops }, async (_, i) => {
          for (let k = 0; k < 10_000_000 && now() < deadline; k++) {
            const op = (k + i) % 4
            requests++
            try {
              const res =
                op === 0
                  ? await tasksOn(server.base, who).create({ title: `m ${i}.${k}` }, { agent })
                  : op === 1
                    ? await tasksOn(server.base, who).list({ limit: 20 }, { agent })
                    : op === 2
                      ? await tasksOn(server.base, who).read(readIds[k % readIds.length] as string, { agent })
                      : await call(server.base, 'GET', '/api/me', { token: who.sessionToken, agent })
              if (res.status >= 200 && res.status < 300) acknowledged++
              else {
                countStatus(serverErrors, res.status)
                violations.add(`load: ${res.status}`)
              }
            } catch (err) {
              if (!(err instanceof RequestFailed)) throw err
              violations.add(`load: ${err.code}`)
            }
          }
        }),
      )
      agent.destroy()
    }
    await runLoad(5_000)
    rss.warm = rssBytes(server.pid)
    const before = { requests, acknowledged }
    let peak = 0
    let seconds = 0
    const sampler = setInterval(() => {
      const bytes = rssBytes(server.pid)
      peak = Math.max(peak, bytes)
      // Every 10 s: a leak keeps climbing to the end, a warming heap levels off.
      if (++seconds % 10 === 0) samples.push(bytes)
    }, 1_000)
    try {
      await runLoad(o.durationS * 1000)
    } finally {
      clearInterval(sampler)
    }
    rss.after = rssBytes(server.pid)
    rss.peak = Math.max(peak, rss.after)
    log(`  ${requests - before.requests} requests in ${o.durationS} s`)
    await sleep(10_000)
    rss.settled = rssBytes(server.pid)
  } catch (err) {
    violations.add(`memory: ${(err as Error).message}`)
  } finally {
    await terminate(server)
    await target.drop().catch(() => {})
  }
  return {
    kind: 'memory',
    database: target.url ? 'pg' : 'pglite',
    durationS: o.durationS,
    loops: o.loops,
    samples,
    requests,
    acknowledged,
    lost: undefined,
    serverErrors,
    violations: violations.list(),
    metrics: rss,
  }
}

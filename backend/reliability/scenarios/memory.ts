/**
 * d. Memory: the RSS of a server process idle, under load and after it.
 */
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { freshTarget } from '../../testkit/databases.js'
import { freePort } from '../../testkit/free-port.js'
import { startServerProcess, terminate, waitUntilAnswers } from '../../testkit/server-process.js'
import { call, RequestFailed, signup, tasksOn } from '../http-client.js'
import { mib, now } from '../numbers.js'
import { rssBytes, serverEnv } from '../servers.js'
import { countStatus, type Log, quiet, type ScenarioResult, Violations } from './measure.js'

export type MemoryOptions = { adminUrl?: string; durationS: number; loops: number; log?: Log }

export async function memory(o: MemoryOptions): Promise<ScenarioResult> {
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
  const label = target.url ? 'PostgreSQL' : 'PGlite'
  return {
    scenario: `d. memory, ${o.durationS} s load (${label})`,
    requests,
    acknowledged,
    lost: undefined,
    serverErrors,
    recovery: 'n/a',
    summary:
      `RSS of the server process (${label}): ${mib(rss.idle ?? 0)} MiB idle after start, ${mib(rss.warm ?? 0)} MiB after ` +
      `a 5 s warm-up, ${mib(rss.after ?? 0)} MiB right after ${o.durationS} s of load by ${o.loops} loops (create, list, ` +
      `read, session-token /api/me; peak ${mib(rss.peak ?? 0)} MiB), ${mib(rss.settled ?? 0)} MiB after 10 s idle. ` +
      `During the load, every 10 s: ${samples.map(mib).join(', ')} MiB.`,
    violations: violations.list(),
    metrics: rss,
  }
}

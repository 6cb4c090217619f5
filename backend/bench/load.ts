/**
 * One measurement: a load generator (wrk in its own process with `--wrk`, else autocannon in
 * this one) holding CONNECTIONS connections for LOAD_S seconds after a warm-up, and, when
 * asked, a monitor beside it: a few connections polling another path at a steady pace, so its
 * latency says how the server answers a cheap request while the load runs.
 */
import autocannon from 'autocannon'
import type { Result } from './report.js'
import { CONNECTIONS, LOAD_S, WARM_UP_S } from './settings.js'
import { type WrkRequest, type WrkResult, wrkLoad } from './wrk.js'

export type Generator = 'wrk' | 'autocannon'

export type LoadRequest = WrkRequest

export type Monitor = { path: string; connections: number; pauseMs: number }

/** `npm run bench -- --wrk`: which load generator every measurement uses. */
export const GENERATOR: Generator = process.argv.includes('--wrk') ? 'wrk' : 'autocannon'

type Run = { base: string; requests: LoadRequest[]; connections: number; durationS: number; pauseMs?: number }

async function generate({ base, requests, connections, durationS, pauseMs }: Run): Promise<WrkResult> {
  if (GENERATOR === 'wrk') return wrkLoad(base, requests, { connections, durationS, pauseMs })
  const r = await autocannon({
    url: base,
    connections,
    duration: durationS,
    requests: requests.map((q) => ({ method: q.method, path: q.path, headers: q.headers ?? {}, body: q.body })),
    // autocannon has no pause per request: the same pace as a whole.
    ...(pauseMs ? { overallRate: Math.round((connections * 1000) / pauseMs) } : {}),
  })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx }
}

/**
 * Measures `requests` (cycled through, one per request, so a list of 50 users' requests spreads
 * the load over them) against `base`, after WARM_UP_S seconds of the same (JIT, pools, caches)
 * unless `warmUp` is false. `during` runs while the measured load does (a sampler of the
 * server's memory), and is stopped when it ends.
 */
export async function measure(
  name: string,
  base: string,
  requests: LoadRequest[],
  options: { monitor?: Monitor; warmUp?: boolean; during?: (signal: AbortSignal) => Promise<void> } = {},
): Promise<Result> {
  const { monitor, warmUp = true, during } = options
  if (warmUp) await generate({ base, requests, connections: CONNECTIONS, durationS: WARM_UP_S })
  const stop = new AbortController()
  const sampling = during?.(stop.signal)
  const [load, watched] = await Promise.all([
    generate({ base, requests, connections: CONNECTIONS, durationS: LOAD_S }),
    monitor
      ? generate({
          base,
          requests: [{ method: 'GET', path: monitor.path }],
          connections: monitor.connections,
          durationS: LOAD_S,
          pauseMs: monitor.pauseMs,
        })
      : undefined,
  ])
  stop.abort()
  await sampling
  const result: Result = { name, ...load, ...(watched ? { monitor: { path: monitor?.path ?? '', ...watched } } : {}) }
  console.log(
    `${name}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, errors ${result.errors}, non-2xx ${result.non2xx}` +
      (watched ? `; ${monitor?.path} p50 ${watched.p50} ms, p99 ${watched.p99} ms (${watched.rps.toFixed(0)}/s)` : ''),
  )
  return result
}

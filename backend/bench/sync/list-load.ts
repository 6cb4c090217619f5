/**
 * The task-list benchmark with and without idle streams, on one instance in one run: the list
 * with no stream open, then with `streams` idle streams open (spread over other users), in turn,
 * beginning and ending without (7 phases). On a machine others share, load comes and goes over
 * minutes: each phase with streams is compared with the mean of the two phases around it, and the
 * ratio is the median of those comparisons.
 * Load from wrk in its own process (bench/wrk.ts) when it is there, else autocannon.
 */
import autocannon from 'autocannon'
import type { ServerProcess } from '../../testkit/server-process.js'
import { createTaskOk, fetchTaskClient } from '../../testkit/task-client.js'
import { ensureWrk, wrkLoad } from '../wrk.js'
import type { Holder } from './holder.js'
import type { User } from './servers.js'

const CONNECTIONS = 50
const WARM_UP_S = 2
/** Short phases, many of them: alike conditions for neighbours. */
export const DURATION_S = 6
const PHASES = [0, 1, 0, 1, 0, 1, 0]

export type Load = { rps: number; p50: number; p99: number; errors: number; non2xx: number }
export type ListResult = {
  generator: 'wrk' | 'autocannon'
  streams: number
  /** In the order run: without, with, …, without. */
  phases: { streams: number; load: Load }[]
  rpsRatio: number
  p99Ratio: number
}

export async function measureList(
  api: ServerProcess,
  holder: Holder,
  lister: User,
  others: User[],
  streams: number,
): Promise<ListResult> {
  const client = fetchTaskClient(api.base, { userId: lister.userId, token: lister.token })
  for (let i = 0; i < 50; i++) await createTaskOk(client, { title: `Task ${i}` })
  const path = `/api/${lister.userId}/tasks?limit=50`
  const headers = { authorization: `Bearer ${lister.token}` }
  const generator = ensureWrk() ? 'wrk' : 'autocannon'

  const run = async (durationS: number): Promise<Load> => {
    if (generator === 'wrk') {
      return wrkLoad(api.base, [{ method: 'GET', path, headers }], { connections: CONNECTIONS, durationS })
    }
    const r = await autocannon({ url: api.base + path, headers, connections: CONNECTIONS, duration: durationS })
    return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx }
  }
  const phase = async (name: string) => {
    await run(WARM_UP_S)
    const load = await run(DURATION_S)
    console.log(`  list, ${name}: ${load.rps.toFixed(0)} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms`)
    return load
  }

  const who = others.map((u) => ({ userId: u.userId, token: u.sessionToken }))
  const phases: ListResult['phases'] = []
  for (const open of PHASES.map((p) => p * streams)) {
    if (open) {
      const opened = await holder.open(api.base, who, open)
      if (opened.ready !== open) throw new Error(`only ${opened.ready} of ${open} streams opened`)
    }
    phases.push({ streams: open, load: await phase(open ? `${open} idle streams open` : 'no stream open') })
    if (open) await holder.close()
  }

  return { generator, streams, phases, ...ratios(phases) }
}

/** Each phase with streams over the mean of the two phases around it; the median of those. */
export function ratios(phases: ListResult['phases']): { rpsRatio: number; p99Ratio: number } {
  const median = (of: (l: Load) => number) => {
    const each = phases.flatMap((p, i) => {
      const [before, after] = [phases[i - 1], phases[i + 1]]
      if (p.streams === 0 || !before || !after) return []
      return [of(p.load) / ((of(before.load) + of(after.load)) / 2)]
    })
    each.sort((a, b) => a - b)
    return each[Math.floor(each.length / 2)] ?? Number.NaN
  }
  return { rpsRatio: median((l) => l.rps), p99Ratio: median((l) => l.p99) }
}

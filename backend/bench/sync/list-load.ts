/**
 * The task-list benchmark with and without idle streams, on one instance in one run: the list
 * with no stream open, with `streams` idle streams open (spread over other users), and with none
 * again, so drift of the machine over the run shows as a difference between the two baselines.
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
export const DURATION_S = Number(process.env.BENCH_DURATION_SECONDS ?? 10)

export type Load = { rps: number; p50: number; p99: number; errors: number; non2xx: number }
export type ListResult = {
  generator: 'wrk' | 'autocannon'
  streams: number
  before: Load
  during: Load
  after: Load
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

  const before = await phase('no stream open')
  const who = others.map((u) => ({ userId: u.userId, token: u.sessionToken }))
  const opened = await holder.open(api.base, who, streams)
  if (opened.ready !== streams) throw new Error(`only ${opened.ready} of ${streams} streams opened`)
  const during = await phase(`${streams} idle streams open`)
  await holder.close()
  const after = await phase('no stream open, again')

  const mean = (a: number, b: number) => (a + b) / 2
  return {
    generator,
    streams,
    before,
    during,
    after,
    rpsRatio: during.rps / mean(before.rps, after.rps),
    p99Ratio: during.p99 / mean(before.p99, after.p99),
  }
}

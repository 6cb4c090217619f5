/**
 * `npm run bench`: the load benchmark (below); `-- abuse` and `-- startup` are other benchmarks,
 * `-- profile <dir>` sums up the CPU profiles a run wrote (BENCH_CPU_PROF=<dir>).
 *
 * Flags: `--wrk` (wrk in its own process instead of autocannon in this one), `--runs N` (default
 * 3), `--only list,bare,create,origin,session,flood` (scenarios/), `--tsx` (the API from its
 * sources instead of compiled). BENCH_DATABASE_URL: PostgreSQL (a fresh database is made beside
 * it and dropped after), else PGlite in a temporary directory.
 */
import { loadavg } from 'node:os'
import { freshTarget } from '../testkit/databases.js'
import type { ServerProcess } from '../testkit/server-process.js'
import { abuseBench } from './abuse.js'
import { GENERATOR } from './load.js'
import { apiArgs, startApi, startWeb, stop } from './processes.js'
import { profileSummary } from './profile.js'
import { type Result, type Run, report } from './report.js'
import { SCENARIOS } from './scenarios/index.js'
import { seedOthers } from './seed.js'
import { API_PORT, CONNECTIONS, WEB_PORT } from './settings.js'
import { startupBench } from './startup.js'
import { createTasks, signup, signupMany } from './users.js'
import { ensureWrk } from './wrk.js'

/** The value after `--name` on the command line. */
function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name)
  return at < 0 ? undefined : process.argv[at + 1]
}

async function loadBench() {
  const only = flag('--only')?.split(',')
  const unknown = only?.filter((key) => !SCENARIOS.some((s) => s.key === key))
  if (unknown?.length) throw new Error(`no such scenario: ${unknown.join(', ')}`)
  const runs = Number(flag('--runs') ?? 3)
  const target = await freshTarget(process.env.BENCH_DATABASE_URL, 'bench')
  const kind = target.url ? 'PostgreSQL' : 'PGlite'
  const scenarios = SCENARIOS.filter((s) => (!only || only.includes(s.key)) && s.runsOn({ target }))
  const { args, runAs } = apiArgs()
  let api: ServerProcess | undefined
  let web: ServerProcess | undefined
  try {
    await seedOthers(target)
    api = await startApi(target, API_PORT, args)
    const reader = await signup(api.base)
    await createTasks(api.base, reader, 50)
    const needs = (key: string) => scenarios.some((s) => s.key === key)
    const writers = needs('create') ? await signupMany(api.base, CONNECTIONS) : []
    if (needs('origin')) web = await startWeb(WEB_PORT, API_PORT)
    const list = {
      method: 'GET' as const,
      path: `/api/${reader.user.id}/tasks?limit=50`,
      headers: { authorization: `Bearer ${reader.token}` },
    }
    const measured: Run[] = []
    for (let i = 0; i < runs; i++) {
      console.log(`\nrun ${i + 1} of ${runs} on ${kind}`)
      const before = loadavg()[0] ?? 0
      const results = new Map<string, Result>()
      for (const scenario of scenarios) {
        results.set(scenario.key, await scenario.run({ target, api, web, reader, list, writers, results }))
      }
      const after = loadavg()[0] ?? 0
      measured.push({ results, load: `load average (1 min) ${before.toFixed(1)} before, ${after.toFixed(1)} after` })
    }
    const database = target.url ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'PGlite (embedded, on its worker thread)'
    report(measured, kind, database, GENERATOR, runAs)
  } finally {
    if (web) await stop(web)
    if (api) await stop(api)
    await target.drop()
  }
}

if (GENERATOR === 'wrk' && !ensureWrk()) throw new Error('--wrk needs wrk: apt-get install -y wrk')

// `npm run bench -- abuse`: the abuse measurement of decision 020 instead (abuse.ts).
// `npm run bench -- startup`: the API's start-up time and memory, tsx against compiled (startup.ts).
// `npm run bench -- profile <dir>`: the top self-time functions of the CPU profiles in <dir> (profile.ts).
const VALUED = ['--runs', '--only']
const mode = process.argv.slice(2).find((arg, i, all) => !arg.startsWith('--') && !VALUED.includes(all[i - 1] ?? ''))
if (mode === 'abuse') await abuseBench()
else if (mode === 'startup') await startupBench()
else if (mode === 'profile') profileSummary(process.argv[process.argv.indexOf('profile') + 1] ?? '.')
else await loadBench()

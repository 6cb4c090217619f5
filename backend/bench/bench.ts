/**
 * `npm run bench`: the load benchmark (below); `-- abuse` and `-- startup` are other benchmarks,
 * `-- profile <dir>` sums up the CPU profiles a run wrote (BENCH_CPU_PROF=<dir>).
 *
 * Flags: `--wrk` (wrk in its own process instead of autocannon in this one), `--runs N` (default
 * 3), `--only list,bare,create,session,flood,origin` (scenarios/), `--tsx` (the API from its
 * sources instead of compiled). BENCH_DATABASE_URL: PostgreSQL (a fresh database is made beside
 * it and dropped after), else PGlite in a temporary directory.
 */
import { loadavg } from 'node:os'
import { freshTarget } from '../testkit/databases.js'
import type { ServerProcess } from '../testkit/server-process.js'
import { abuseBench } from './abuse.js'
import { GENERATOR, type LoadRequest } from './load.js'
import { apiArgs, startApi, startNpmStart, stop } from './processes.js'
import { profileSummary } from './profile.js'
import { type Result, type Run, report } from './report.js'
import type { NpmStart } from './scenarios/context.js'
import { SCENARIOS } from './scenarios/index.js'
import { seedOthers } from './seed.js'
import { API_PORT, CONNECTIONS, TOGETHER_API_PORT, WEB_PORT } from './settings.js'
import { startupBench } from './startup.js'
import { createTasks, signup, signupMany, tokenFrom } from './users.js'
import { ensureWrk } from './wrk.js'

/** The value after `--name` on the command line. */
function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name)
  return at < 0 ? undefined : process.argv[at + 1]
}

async function loadBench() {
  const only = flag('--only')?.split(',')
  // The origin's target is a ratio to its own API port, measured beside it.
  if (only?.includes('origin') && !only.includes('origin-api')) only.push('origin-api')
  const unknown = only?.filter((key) => !SCENARIOS.some((s) => s.key === key))
  if (unknown?.length) throw new Error(`no such scenario: ${unknown.join(', ')}`)
  const runs = Number(flag('--runs') ?? 3)
  const target = await freshTarget(process.env.BENCH_DATABASE_URL, 'bench')
  const kind = target.url ? 'PostgreSQL' : 'PGlite'
  const scenarios = SCENARIOS.filter((s) => (!only || only.includes(s.key)) && s.runsOn({ target }))
  const { args, runAs } = apiArgs()
  let api: ServerProcess | undefined
  let npmStart: NpmStart | undefined
  try {
    await seedOthers(target)
    api = await startApi(target, API_PORT, args)
    const reader = await signup(api.base)
    await createTasks(api.base, reader, 50)
    const writers = scenarios.some((s) => s.key === 'create') ? await signupMany(api.base, CONNECTIONS) : []
    const listAs = (token: string) => ({
      method: 'GET' as const,
      path: `/api/${reader.user.id}/tasks?limit=50`,
      headers: { authorization: `Bearer ${token}` },
    })
    const measured: Run[] = Array.from({ length: runs }, () => ({ results: new Map<string, Result>(), load: '' }))
    const phase = async (server: 'api' | 'npm start', running: ServerProcess, list: LoadRequest) => {
      const mine = scenarios.filter((s) => s.server === server)
      for (const [i, run] of measured.entries()) {
        console.log(`\nrun ${i + 1} of ${runs} on ${kind}: ${server === 'api' ? 'the API' : "npm start's server"}`)
        const before = loadavg()[0] ?? 0
        // npm start's two ports take turns going first: the second measured meets a warmer process.
        const order = server === 'npm start' && i % 2 === 1 ? [...mine].reverse() : mine
        for (const scenario of order) {
          run.results.set(scenario.key, await scenario.run({ target, api: running, npmStart, reader, list, writers }))
        }
        const after = loadavg()[0] ?? 0
        const load = `load average (1 min) ${before.toFixed(1)} before, ${after.toFixed(1)} after`
        const label = server === 'api' ? load : `npm start's server: ${load}`
        run.load = run.load ? `${run.load}; ${label}` : label
      }
    }
    if (scenarios.some((s) => s.server === 'api')) await phase('api', api, listAs(reader.token))
    if (scenarios.some((s) => s.server === 'npm start')) {
      // One process at a time on the data: PGlite's directory is one process's.
      const stopped = api
      api = undefined
      await stop(stopped)
      npmStart = await startNpmStart(target, WEB_PORT, TOGETHER_API_PORT)
      // Its PUBLIC_URL is the web URL, which its access tokens name (iss, aud).
      await phase('npm start', npmStart.process, listAs(await tokenFrom(npmStart.web, reader)))
    }
    const database = target.url ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'PGlite (embedded, on its worker thread)'
    report(measured, kind, database, GENERATOR, runAs)
  } finally {
    if (npmStart) await stop(npmStart.process)
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

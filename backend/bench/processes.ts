/**
 * The servers a benchmark run measures, each a process of its own: the API (compiled, as
 * production runs it, unless `--tsx`), the bare node:http + pg baseline, and `npm start`'s server
 * (the web app with the API inside it: the origin the browser uses).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isServableBuild } from '../../frontend/server/compiled-destinations.js'
import { buildWebApp } from '../../frontend/server/web-build.js'
import { API, compileIfStale, WEB_SERVER } from '../../scripts/compiled.mjs'
import type { Target } from '../testkit/databases.js'
import { SERVER_ARGS, type ServerProcess, startServerAndWait, terminate } from '../testkit/server-process.js'
import type { NpmStart } from './scenarios/context.js'
import { benchServerEnv, SECRET } from './settings.js'

const FRONTEND = fileURLToPath(new URL('../../frontend', import.meta.url))
const TOGETHER_JS = fileURLToPath(new URL('../../scripts/start-together.mjs', import.meta.url))

/**
 * BENCH_CPU_PROF=<dir>: the servers write V8 CPU profiles there on exit (profile.ts sums them up).
 * BENCH_NODE_ARGS: more node flags for the servers (`--trace-gc`, which NODE_OPTIONS refuses).
 */
const profileArgs = [
  ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
  ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
]

/** A server process on `port`, once it answers `path` (whatever the status: bare-server answers every path). */
function start(name: string, args: string[], port: number, env: Record<string, string>, path = '/healthz') {
  return startServerAndWait({
    name,
    args: [...profileArgs, ...args],
    port,
    env,
    inheritEnv: true,
    stdio: 'inherit',
    wait: { path, timeoutMs: 60_000, pollMs: 100, answers: () => true },
  })
}

export const stop = (server: ServerProcess) => terminate(server, 10_000)

/**
 * How the API is run: compiled (backend/dist, what `npm start` runs in production), compiled
 * first when its build is missing or older than the sources; through tsx with `--tsx`, or when
 * the sources do not compile (another engineer's work in progress), which the report says.
 */
export function apiArgs(): { args: string[]; runAs: string } {
  const tsx = { args: SERVER_ARGS, runAs: 'tsx (`node --import tsx src/server.ts`)' }
  if (process.argv.includes('--tsx')) return tsx
  if (compileIfStale(API) !== 0) {
    console.warn('The API did not compile: measuring it through tsx instead.')
    return { ...tsx, runAs: `${tsx.runAs}, as the sources did not compile` }
  }
  return { args: ['dist/server.js'], runAs: 'compiled (`node dist/server.js`)' }
}

export function startApi(target: Target, port: number, args: string[]): Promise<ServerProcess> {
  return start(
    'the API',
    args,
    port,
    benchServerEnv(target, SECRET, {
      PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      // Creates as fast as 50 connections can, into one account as well.
      TASKS_MAX_PER_USER: '10000000',
    }),
  )
}

/** The bare baseline running the list's SQL (bare-server.ts). */
export function startBare(target: Target, port: number, sql: { text: string; userId: string; limit: number }) {
  return start('the bare server', ['--import', 'tsx', 'bench/bare-server.ts'], port, {
    BARE_PORT: String(port),
    BARE_SQL: sql.text,
    BARE_USER_ID: sql.userId,
    BARE_LIMIT: String(sql.limit),
    ...(target.url ? { BARE_DATABASE_URL: target.url } : { BARE_PGLITE_DIR: join(target.dataDir, 'pglite') }),
  })
}

/**
 * `npm start`'s server as it runs in production (scripts/start-together.mjs, compiled: the web
 * app, with the API inside it answering /api/*), on `webPort`, its API also on `apiPort`. Builds
 * and compiles what is missing first, as `npm start` would (the Next build takes minutes here).
 */
export async function startNpmStart(target: Target, webPort: number, apiPort: number): Promise<NpmStart> {
  if (!isServableBuild(join(FRONTEND, '.next'))) {
    const started = Date.now()
    console.log('Building the web app (next build)…')
    if (buildWebApp(FRONTEND, '.next') !== 0) throw new Error('the web app did not build')
    console.log(`built the web app in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  }
  for (const unit of [API, WEB_SERVER]) {
    if (compileIfStale(unit) !== 0) throw new Error(`${unit.name} did not compile`)
  }
  const server = await start(
    "npm start's server",
    [TOGETHER_JS],
    webPort,
    benchServerEnv(target, SECRET, {
      WEB_PORT: String(webPort),
      API_PORT: String(apiPort),
      API_HOST: '127.0.0.1',
      PUBLIC_URL: `http://localhost:${webPort}`,
      NEXT_TELEMETRY_DISABLED: '1',
    }),
    '/signin',
  )
  return { process: server, web: server.base, api: `http://127.0.0.1:${apiPort}` }
}

/** A /proc/<pid>/status field in MiB (VmRSS: resident now; VmHWM: the most it has been). */
export function procMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`))
  return Number(line?.match(/(\d+) kB/)?.[1] ?? Number.NaN) / 1024
}

import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { drizzle } from 'drizzle-orm/node-postgres'
import type { Db } from '../src/db/client.js'
import * as schema from '../src/db/schema.js'
import { listTasksQuery } from '../src/tasks/queries.js'
import { freshTarget } from '../testkit/databases.js'
import { type ServerProcess, startServerAndWait, terminate } from '../testkit/server-process.js'
import { createTaskOk, fetchTaskClient } from '../testkit/task-client.js'
import { abuseBench } from './abuse.js'
import { type FloodSummary, type Result, report } from './report.js'
import { seedOthers } from './seed.js'
import { CONNECTIONS, DURATION_S, SECRET } from './settings.js'
import { startupBench } from './startup.js'
import { ensureWrk, type WrkRequest, wrkLoad } from './wrk.js'

async function main() {
  const target = await freshTarget(process.env.BENCH_DATABASE_URL, 'bench')
  await seedOthers(target)
  const appPort = 4600
  const barePort = 4601
  const app = await startProcess(['--import', 'tsx', 'src/server.ts'], appPort, {
    PORT: String(appPort),
    PUBLIC_URL: `http://localhost:${appPort}`,
    BETTER_AUTH_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    MAIL_OUTBOX_IN_PRODUCTION: 'true', // no mail server here
    RATE_LIMIT_SIGNUP_PER_HOUR: '1000000',
    // (d) creates for one user as fast as 50 connections can: the per-user bounds of decision 020
    // (120 writes a minute, 10,000 tasks) would refuse nearly all of it. `npm run bench -- abuse` measures them.
    RATE_LIMIT_TASK_WRITES_PER_MINUTE: '1000000',
    TASKS_MAX_PER_USER: '10000000',
    ...(target.url ? { DATABASE_URL: target.url } : { DATA_DIR: target.dataDir }),
  })
  const base = `http://127.0.0.1:${appPort}`
  try {
    const ann = await signup(base)
    for (let i = 0; i < 50; i++) await createTask(base, ann, `Task ${i}`)
    const listPath = `/api/${ann.user.id}/tasks?limit=50`
    const jwt = { authorization: `Bearer ${ann.token}` }
    const session = { authorization: `Bearer ${ann.session_token}` }

    const results: Result[] = []
    results.push(await load('(a) task list, JWT', base + listPath, { headers: jwt }))
    results.push(await load('(c) Better Auth get-session', `${base}/api/auth/get-session`, { headers: session }))
    // A second user creates, so the listed user keeps exactly 50 tasks for (b) and (e).
    const writer = await signup(base)
    results.push(
      await load('(d) create task, JWT', `${base}/api/${writer.user.id}/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${writer.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Benchmark task', tags: ['bench'] }),
      }),
    )
    results.push(await listDuringSigninFlood(base + listPath, jwt, base, ann))
    if (!target.url) await stopProcess(app) // PGlite is single-process: free it for (b)

    const query = listTasksQuery(drizzle.mock({ schema }) as unknown as Db, ann.user.id, {
      status: 'all',
      sort: 'created_at',
      order: 'desc',
      limit: 50,
      cursor: undefined,
    }).toSQL()
    const bare = await startProcess(['--import', 'tsx', 'bench/bare-server.ts'], barePort, {
      BARE_PORT: String(barePort),
      BARE_SQL: query.sql,
      BARE_USER_ID: ann.user.id,
      BARE_LIMIT: String(query.params[1]),
      ...(target.url ? { BARE_DATABASE_URL: target.url } : { BARE_PGLITE_DIR: join(target.dataDir, 'pglite') }),
    })
    try {
      results.splice(1, 0, await load('(b) bare node:http + pg, same SQL', `http://127.0.0.1:${barePort}/`, {}))
    } finally {
      await stopProcess(bare)
    }
    report(results, target.url ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'PGlite (embedded)', floodSummary, LOAD_GENERATOR)
  } finally {
    await stopProcess(app)
    await target.drop()
  }
}

/** BENCH_CPU_PROF=<dir>: the servers write V8 CPU profiles there (open them in Chrome DevTools). */
const profileArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []

/** A server process on `port`, once it answers /healthz (whatever the status: bare-server answers every path). */
function startProcess(args: string[], port: number, env: Record<string, string>): Promise<ServerProcess> {
  return startServerAndWait({
    name: args.at(-1),
    args: [...profileArgs, ...args],
    port,
    env,
    inheritEnv: true,
    stdio: 'inherit',
    wait: { path: '/healthz', timeoutMs: 30_000, pollMs: 100, answers: () => true },
  })
}

const stopProcess = (server: ServerProcess) => terminate(server, 10_000)

type Session = { user: { id: string }; token: string; session_token: string }

async function signup(base: string): Promise<Session> {
  const res = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${randomUUID()}@example.com`, password: 'benchmark passphrase 1' }),
  })
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status}`)
  return (await res.json()) as Session
}

async function createTask(base: string, who: Session, title: string) {
  await createTaskOk(fetchTaskClient(base, { userId: who.user.id, token: who.token }), { title })
}

async function load(
  name: string,
  url: string,
  options: { method?: 'POST'; headers?: Record<string, string>; body?: string },
  { warmUp = true } = {},
) {
  const run = async (duration: number): Promise<Omit<Result, 'name'>> => {
    if (LOAD_GENERATOR === 'wrk') {
      const { origin, pathname, search } = new URL(url)
      const request: WrkRequest = { ...options, method: options.method ?? 'GET', path: pathname + search }
      return wrkLoad(origin, [request], { connections: CONNECTIONS, durationS: duration })
    }
    const r = await autocannon({ url, connections: CONNECTIONS, duration, ...options, headers: options.headers ?? {} })
    return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx }
  }
  if (warmUp) await run(2) // warm-up: JIT, pools, caches
  const result = { name, ...(await run(DURATION_S)) }
  console.log(
    `${name}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, errors ${result.errors}, non-2xx ${result.non2xx}`,
  )
  return result
}

/**
 * (e) The task list while 16 connections flood sign-in with wrong passwords: argon2id runs
 * on the thread pool and the flood is throttled with 429s, so honest users are not starved.
 */
async function listDuringSigninFlood(url: string, headers: Record<string, string>, base: string, who: Session) {
  const flood = autocannon({
    url: `${base}/api/auth/signin`,
    connections: 16,
    duration: DURATION_S + 2,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `victim-${who.user.id}@example.com`, password: 'wrong password guess' }),
  })
  await new Promise((r) => setTimeout(r, 1000))
  const result = await load('(e) task list during a sign-in flood', url, { headers }, { warmUp: false })
  const f = await flood
  floodSummary = { total: f.requests.total, rps: f.requests.average, rejected: f.non2xx }
  console.log(`    flood: ${f.requests.total} sign-ins, ${f.non2xx} refused (401 or 429)`)
  return result
}
let floodSummary: FloodSummary | undefined

/**
 * `npm run bench -- --wrk`: load from wrk in its own process instead of autocannon in this one
 * (wrk.ts), so the load generator's CPU is not this process's. The sign-in flood of (e) stays
 * on autocannon: it only has to keep the server busy.
 */
const LOAD_GENERATOR = process.argv.includes('--wrk') ? 'wrk' : 'autocannon'
if (LOAD_GENERATOR === 'wrk' && !ensureWrk()) throw new Error('--wrk needs wrk: apt-get install -y wrk')

// `npm run bench -- abuse`: the abuse measurement of decision 020 instead (abuse.ts).
// `npm run bench -- startup`: the API's start-up time and memory, tsx against compiled (startup.ts).
const mode = process.argv.slice(2).find((arg) => !arg.startsWith('--'))
if (mode === 'abuse') await abuseBench()
else if (mode === 'startup') await startupBench()
else await main()

/**
 * `npm run bench -- abuse`: another user's latency while one account floods the task API
 * (decision 020). The flooding account holds the quota's worth of the largest tasks and sends,
 * at once, sorted one-letter searches on 30 connections (each a different `q`, so none is
 * cached) and the largest creates on 16. Meanwhile another user, at a person's pace, lists,
 * searches and reads (20 a second), creates (one a second), and a monitor polls `/healthz`.
 * The same is measured without the flood first. Writes its section of docs/benchmarks.md.
 */
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import { openDb } from '../src/db/client.js'
import { freshTarget, type Target } from '../testkit/databases.js'
import { fillAccount, LARGEST_TASK } from '../testkit/full-account.js'
import { SERVER_ARGS, type ServerProcess, startServerAndWait, terminate } from '../testkit/server-process.js'
import { createTaskOk, fetchTaskClient } from '../testkit/task-client.js'
import { type AbuseRow, writeAbuseSection } from './abuse-report.js'
import { DURATION_S, SECRET } from './settings.js'

const PORT = 4610
const QUOTA = 10_000
const SEARCH_CONNECTIONS = 30
const CREATE_CONNECTIONS = 16
/** BENCH_ABUSE_FLOODS: which floods run (to tell which one hurts). @default 'searches,creates' */
const FLOODS = (process.env.BENCH_ABUSE_FLOODS ?? 'searches,creates').split(',')

type Session = { user: { id: string }; token: string }

export async function abuseBench() {
  const target = await freshTarget(process.env.BENCH_DATABASE_URL, 'abuse')
  const database = target.url ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'PGlite (embedded, on its worker thread)'
  let app = await startApp(target)
  const base = `http://127.0.0.1:${PORT}`
  try {
    const mallory = await signup(base)
    const vic = await signup(base)
    const vics = fetchTaskClient(base, { userId: vic.user.id, token: vic.token })
    for (let i = 0; i < 20; i++) await createTaskOk(vics, { title: `Buy groceries ${i}`, description: 'and milk' })
    // PGlite is one process: the server lets go of it while the account is filled.
    if (!target.url) await terminate(app, 10_000)
    const started = Date.now()
    const db = await openDb({ url: target.url, dataDir: target.url ? undefined : join(target.dataDir, 'pglite') })
    await fillAccount(db.db, mallory.user.id, QUOTA)
    await db.close()
    console.log(`filled the flooding account with ${QUOTA} of the largest tasks in ${Date.now() - started} ms`)
    if (!target.url) app = await startApp(target)

    const rows: AbuseRow[] = []
    await warmUp(base, vic)
    rows.push(...(await measureOthers(base, vic, 'alone')))
    await sleep(1000)
    const searches = flood(base, mallory, FLOODS.includes('searches') ? SEARCH_CONNECTIONS : 0, () => ({
      method: 'GET',
      path: `/api/${mallory.user.id}/tasks?q=${(searchSeq++ % 4096).toString(16)}&sort=title&order=desc&limit=100`,
    }))
    const creates = flood(base, mallory, FLOODS.includes('creates') ? CREATE_CONNECTIONS : 0, () => ({
      method: 'POST',
      path: `/api/${mallory.user.id}/tasks`,
      body: JSON.stringify(LARGEST_TASK),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${mallory.token}` },
    }))
    await sleep(1000)
    rows.push(...(await measureOthers(base, vic, 'during the flood')))
    const floods = { searches: await searches, creates: await creates }
    writeAbuseSection({ database, rows, floods, quota: QUOTA })
  } finally {
    await terminate(app, 10_000)
    await target.drop()
  }
}
let searchSeq = 0

function startApp(target: Target): Promise<ServerProcess> {
  return startServerAndWait({
    name: 'abuse bench server',
    // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there, as in bench.ts.
    args: [
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ...SERVER_ARGS,
    ],
    port: PORT,
    inheritEnv: true,
    stdio: 'inherit',
    // The defaults of every task limit: what a deployment gets.
    env: {
      PORT: String(PORT),
      PUBLIC_URL: `http://localhost:${PORT}`,
      BETTER_AUTH_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      MAIL_OUTBOX_IN_PRODUCTION: 'true',
      RATE_LIMIT_SIGNUP_PER_HOUR: '1000000',
      ...(target.url ? { DATABASE_URL: target.url } : { DATA_DIR: target.dataDir }),
    },
    wait: { path: '/healthz', timeoutMs: 30_000, pollMs: 100, answers: () => true },
  })
}

async function signup(base: string): Promise<Session> {
  const res = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `abuse-${randomUUID()}@example.com`, password: 'benchmark passphrase 1' }),
  })
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as Session
}

/** A freshly started server compiles its code and reads its data in: not what is measured. */
async function warmUp(base: string, vic: Session) {
  await autocannon({
    url: `${base}/api/${vic.user.id}/tasks`,
    connections: 2,
    duration: 3,
    headers: { authorization: `Bearer ${vic.token}` },
  })
}

/** The other user's requests and a health monitor, each at a steady rate, for DURATION_S. */
async function measureOthers(base: string, vic: Session, when: string): Promise<AbuseRow[]> {
  const auth = { authorization: `Bearer ${vic.token}` }
  const tasks = `/api/${vic.user.id}/tasks`
  const run = (what: string, rate: number, options: Partial<autocannon.Options>) =>
    autocannon({
      url: base,
      connections: Math.max(1, Math.min(4, rate)),
      overallRate: rate,
      duration: DURATION_S,
      ...options,
    }).then((r): AbuseRow => {
      const row = {
        when,
        what,
        requests: r.requests.total,
        p50: r.latency.p50,
        p99: r.latency.p99,
        max: r.latency.max,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
      }
      console.log(`${when}, ${what}: ${JSON.stringify(row)}`)
      return row
    })
  return Promise.all([
    // Two searches a second at most, within the user's own search rate over both measurements.
    run('lists and searches (8/s)', 8, {
      requests: [
        { method: 'GET', path: tasks, headers: auth },
        { method: 'GET', path: `${tasks}?status=pending&sort=due_at`, headers: auth },
        { method: 'GET', path: `${tasks}?limit=10`, headers: auth },
        { method: 'GET', path: `${tasks}?q=groceries&sort=title`, headers: auth },
      ],
    }),
    run('create (1/s)', 1, {
      url: base + tasks,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Call the plumber', tags: ['home'] }),
    }),
    run('GET /healthz (10/s)', 10, { url: `${base}/healthz` }),
  ])
}

/** One account's flood on `connections` connections, each request from `next`, until the measurement ends. */
async function flood(
  base: string,
  who: Session,
  connections: number,
  next: () => { method: 'GET' | 'POST'; path: string; body?: string; headers?: Record<string, string> },
) {
  const statuses = new Map<number, number>()
  if (connections === 0) return { total: 0, errors: 0, statuses: {} }
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: DURATION_S + 1,
        headers: { authorization: `Bearer ${who.token}` },
        requests: [{ setupRequest: (request) => ({ ...request, ...next() }) }],
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    )
    instance.on('response', (_client, status) => statuses.set(status, (statuses.get(status) ?? 0) + 1))
  })
  return { total: result.requests.total, errors: result.errors, statuses: Object.fromEntries(statuses) }
}

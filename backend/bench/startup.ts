/**
 * `npm run bench -- startup`: the API's start-up time and memory, run from its TypeScript sources
 * through tsx (what production ran before decision 026, and what development runs) and compiled
 * (backend/dist on plain node, what production runs now). Both in production mode, on a database
 * already migrated (PGlite in a temporary directory, or a fresh PostgreSQL database beside
 * BENCH_DATABASE_URL). The two alternate, one warm-up start each first (tsx keeps a transform
 * cache), BENCH_STARTUP_RUNS measured starts each (default 7). Start-up: from spawning `node`
 * to the first 200 of /readyz (polled every 5 ms). Memory: the process's resident set when
 * ready, and after 200 requests (a sign-up, 99 task creates, 100 lists). Writes its section of
 * docs/benchmarks.md.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { API, compile } from '../../scripts/compiled.mjs'
import { freshTarget } from '../testkit/databases.js'
import { SERVER_ARGS, startServerProcess, terminate, waitUntilAnswers } from '../testkit/server-process.js'
import { SECRET } from './settings.js'

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 7)
const PORT = 4620
const MARK = '<!-- startup: written by npm run bench -- startup -->'
const REPORT = new URL('../../docs/benchmarks.md', import.meta.url)

const MODES = [
  { name: 'tsx: `node --import tsx src/server.ts`', args: SERVER_ARGS },
  { name: 'compiled: `node dist/server.js`', args: ['dist/server.js'] },
] as const

type Sample = { readyMs: number; rssReadyMb: number; rssLoadedMb: number }

/** A /proc/<pid>/status field in MiB (VmRSS: resident now). */
function procMb(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`))
  return Number(line?.match(/(\d+) kB/)?.[1] ?? Number.NaN) / 1024
}

async function startOnce(args: readonly string[], env: Record<string, string>): Promise<Sample> {
  const spawnedAt = performance.now()
  const server = startServerProcess({ name: 'api', port: PORT, args: [...args], env })
  try {
    const readyAt = await waitUntilAnswers(server, { pollMs: 5, timeoutMs: 120_000 })
    const rssReadyMb = procMb(server.pid, 'VmRSS')
    const signup = await fetch(`${server.base}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `startup-${Date.now()}@example.com`, password: 'correct horse battery staple' }),
    })
    if (signup.status !== 201) throw new Error(`sign-up answered ${signup.status}: ${await signup.text()}`)
    const { user, token } = (await signup.json()) as { user: { id: string }; token: string }
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    for (let i = 0; i < 99; i++) {
      const res = await fetch(`${server.base}/api/${user.id}/tasks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ title: `task ${i}` }),
      })
      if (res.status !== 201) throw new Error(`create answered ${res.status}`)
      await (await fetch(`${server.base}/api/${user.id}/tasks?limit=20`, { headers })).arrayBuffer()
    }
    await (await fetch(`${server.base}/api/${user.id}/tasks?limit=20`, { headers })).arrayBuffer()
    return { readyMs: readyAt - spawnedAt, rssReadyMb, rssLoadedMb: procMb(server.pid, 'VmRSS') }
  } finally {
    await terminate(server)
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}
const range = (xs: number[], digits: number) =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`

export async function startupBench() {
  console.log('Compiling the API (npm run build, API part)…')
  if (compile(API) !== 0) throw new Error('the API did not compile')
  const adminUrl = process.env.BENCH_DATABASE_URL
  const target = await freshTarget(adminUrl, 'bench_startup')
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    BETTER_AUTH_SECRET: SECRET,
    MAIL_OUTBOX_IN_PRODUCTION: 'true',
    LOG_LEVEL: 'warn',
    DATA_DIR: target.dataDir,
    PUBLIC_URL: `http://127.0.0.1:${PORT}`,
    ...(target.url ? { DATABASE_URL: target.url } : {}),
  }
  const samples = new Map<string, Sample[]>(MODES.map((m) => [m.name, []]))
  try {
    for (const mode of MODES) await startOnce(mode.args, env) // warm-up: migrations, tsx's cache
    for (let run = 0; run < RUNS; run++) {
      for (const mode of MODES) {
        const sample = await startOnce(mode.args, env)
        samples.get(mode.name)?.push(sample)
        console.log(
          `  ${mode.name}: ready in ${sample.readyMs.toFixed(0)} ms, ${sample.rssReadyMb.toFixed(1)} MiB, ${sample.rssLoadedMb.toFixed(1)} MiB after 200 requests`,
        )
      }
    }
  } finally {
    await target.drop()
  }
  const database = adminUrl ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'PGlite (embedded)'
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
  const rows = MODES.map((mode) => {
    const s = samples.get(mode.name) ?? []
    return `| ${mode.name} | ${range(
      s.map((x) => x.readyMs),
      0,
    )} | ${range(
      s.map((x) => x.rssReadyMb),
      1,
    )} | ${range(
      s.map((x) => x.rssLoadedMb),
      1,
    )} |`
  })
  writeSection(database, [
    `### ${database}`,
    '',
    `- Date: ${new Date().toISOString()}; machine: ${machine}; ${RUNS} starts of each, alternating`,
    '',
    '| API run as | start-up ms, median (min–max) | RSS when ready, MiB | RSS after 200 requests, MiB |',
    '|---|---:|---:|---:|',
    ...rows,
  ])
}

/** Replaces this database's run in the startup section of docs/benchmarks.md (added at the end). */
function writeSection(database: string, run: string[]) {
  const text = readFileSync(REPORT, 'utf8')
  const at = text.indexOf(MARK)
  const before = at < 0 ? `${text.trimEnd()}\n\n` : text.slice(0, at)
  const section = at < 0 ? '' : text.slice(at)
  const runs = new Map<string, string>()
  for (const part of section.split(/\n(?=### )/).slice(1)) runs.set(part.split('\n')[0] ?? '', part.trim())
  runs.set(`### ${database}`, run.join('\n'))
  const out = [
    MARK,
    '## Start-up: the API from TypeScript through tsx, and compiled',
    '',
    'Written by `npm run bench -- startup` (decision 026). Production used to run the API through tsx,',
    'which compiles every TypeScript file with esbuild as it is loaded; it now runs `backend/dist`,',
    'compiled by `npm run build`, on plain node. Each start: `NODE_ENV=production`, a database',
    'already migrated, from spawning `node` to the first 200 of `/readyz`; memory is the resident set',
    '(VmRSS) when ready and after a sign-up, 99 creates and 100 lists. One warm-up start of each',
    "first, so tsx's transform cache is warm: a cold cache (a new machine, a new release) costs tsx more.",
    'Start-up times move with whatever else the two cores run (min–max); the resident sets hardly do.',
    '',
    ...[...runs.values()].flatMap((r) => [r, '']),
  ]
  writeFileSync(REPORT, `${before}${out.join('\n').trimEnd()}\n`)
}

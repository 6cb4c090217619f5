/**
 * The load section of docs/benchmarks.md: each run's measurements, each target's ratio in every
 * run (ratios within one run, so a noisy machine shifts both sides together) and their median.
 * One subsection per database, replaced by the next run on it; the text around it is kept.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { CONNECTIONS, LOAD_S, OTHER_TASKS, WARM_UP_S } from './settings.js'

const docsFile = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url))
const MARK = '<!-- load: written by npm run bench -->'

type Latency = { rps: number; p50: number; p99: number; errors: number; non2xx: number }
/** The API's resident set under a load: the most sampled (every 250 ms) and the kernel's high-water mark. */
export type Memory = { rssMaxMb: number; hwmMb: number }
export type Result = Latency & {
  name: string
  /** The monitor polling beside the load (load.ts). */
  monitor?: Latency & { path: string }
  memory?: Memory
  /** The sign-in flood beside the list (scenarios/flood.ts): how many it sent, how many were refused. */
  flood?: { total: number; rejected: number }
}
/** One run: each scenario's result by its key. */
export type Run = { results: Map<string, Result>; load: string }

type Check = {
  what: string
  /** The database it is a target on; both when unset. */
  only?: 'PostgreSQL' | 'PGlite'
  value: (r: Map<string, Result>) => number | undefined
  ok: (v: number) => boolean
}

const get = (r: Map<string, Result>, key: string) => r.get(key)
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b

/** The targets of the performance issue (and issue 3's, still held), as functions of one run. */
const CHECKS: Check[] = [
  {
    what: 'PostgreSQL: list ÷ bare throughput ≥ 1.3',
    only: 'PostgreSQL',
    value: (r) => ratio(get(r, 'list')?.rps, get(r, 'bare')?.rps),
    ok: (v) => v >= 1.3,
  },
  {
    what: 'PostgreSQL: list p99 ÷ bare p99 ≤ 1.5',
    only: 'PostgreSQL',
    value: (r) => ratio(get(r, 'list')?.p99, get(r, 'bare')?.p99),
    ok: (v) => v <= 1.5,
  },
  {
    what: 'PostgreSQL: create p99 (50 users) ÷ list p99 ≤ 3',
    only: 'PostgreSQL',
    value: (r) => ratio(get(r, 'create')?.p99, get(r, 'list')?.p99),
    ok: (v) => v <= 3,
  },
  { what: 'PGlite: list p99 ≤ 250 ms', only: 'PGlite', value: (r) => get(r, 'list')?.p99, ok: (v) => v <= 250 },
  { what: 'PGlite: create p99 ≤ 500 ms', only: 'PGlite', value: (r) => get(r, 'create')?.p99, ok: (v) => v <= 500 },
  {
    what: 'PGlite: /healthz p99 during list and create ≤ 50 ms',
    only: 'PGlite',
    value: (r) => {
      const p99s = [get(r, 'list')?.monitor?.p99, get(r, 'create')?.monitor?.p99].filter((v) => v !== undefined)
      return p99s.length ? Math.max(...p99s) : undefined
    },
    ok: (v) => v <= 50,
  },
  {
    what: "npm start: the list through the web app's origin ÷ straight to its API, throughput ≥ 0.9",
    value: (r) => ratio(get(r, 'origin')?.rps, get(r, 'origin-api')?.rps),
    ok: (v) => v >= 0.9,
  },
  {
    what: "PostgreSQL: the API's peak RSS under the list load ≤ 150 MiB",
    only: 'PostgreSQL',
    value: (r) => get(r, 'list')?.memory?.rssMaxMb,
    ok: (v) => v <= 150,
  },
  {
    what: 'list ÷ /api/me by session throughput ≥ 3 (issue 3)',
    value: (r) => ratio(get(r, 'list')?.rps, get(r, 'session')?.rps),
    ok: (v) => v >= 3,
  },
  {
    what: 'list p99 during a sign-in flood ÷ list p99 ≤ 2 (issue 3)',
    value: (r) => ratio(get(r, 'flood')?.p99, get(r, 'list')?.p99),
    ok: (v) => v <= 2,
  },
]

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}
const fmt = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(2))

export function report(
  runs: Run[],
  kind: 'PostgreSQL' | 'PGlite',
  database: string,
  generator: 'wrk' | 'autocannon',
  apiRunAs: string,
) {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'} (nproc ${cpus().length}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
  const lines = [
    `### ${database}`,
    '',
    `- Date: ${new Date().toISOString()}; machine: ${machine}`,
    `- Load: ${
      generator === 'wrk'
        ? 'wrk -t1 in its own process (`npm run bench -- --wrk`)'
        : 'autocannon in the benchmark process (`npm run bench -- --wrk` uses wrk in its own process)'
    }, ${CONNECTIONS} connections, ${WARM_UP_S} s warm-up then ${LOAD_S} s; the API run ${apiRunAs}`,
    `- Data: ${OTHER_TASKS.toLocaleString('en')} tasks of 1,000 other users; the listed user has 50 (a list of 50)`,
    ...runs.map((run, i) => `- Run ${i + 1}: ${run.load}`),
    '',
    '| scenario | run | req/s | p50 ms | p99 ms | errors | non-2xx | beside it |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...[...(runs[0]?.results.keys() ?? [])].flatMap((key) => {
      const results = runs.map((run) => run.results.get(key)).filter((r) => r !== undefined)
      const rows = results.map(
        (r, i) =>
          `| ${r.name} | ${i + 1} | ${r.rps.toFixed(0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.errors} | ${r.non2xx} | ${beside(r)} |`,
      )
      const m = (pick: (r: Result) => number) => fmt(median(results.map(pick)))
      const name = results[0]?.name ?? key
      return results.length < 2
        ? rows
        : [...rows, `| ${name} | median | ${m((r) => r.rps)} | ${m((r) => r.p50)} | ${m((r) => r.p99)} | | | |`]
    }),
    '',
    `| target | ${runs.map((_, i) => `run ${i + 1}`).join(' | ')} | median | met |`,
    `|---|${runs.map(() => '---:|').join('')}---:|---|`,
    ...CHECKS.filter((check) => !check.only || check.only === kind).flatMap((check) => {
      const values = runs.map((run) => check.value(run.results))
      const known = values.filter((v) => v !== undefined)
      if (known.length === 0) return []
      const m = median(known)
      return [
        `| ${check.what} | ${values.map((v) => (v === undefined ? '–' : fmt(v))).join(' | ')} | ${fmt(m)} | ${check.ok(m) ? 'yes' : '**no**'} |`,
      ]
    }),
    '',
  ]
  writeSection(database, lines)
  console.log(`\n${lines.join('\n')}\nwritten to docs/benchmarks.md`)
}

function beside(r: Result): string {
  const parts: string[] = []
  if (r.monitor)
    parts.push(
      `${r.monitor.path}: ${r.monitor.rps.toFixed(0)}/s, p50 ${fmt(r.monitor.p50)} ms, p99 ${fmt(r.monitor.p99)} ms`,
    )
  if (r.memory) parts.push(`API RSS peak ${r.memory.rssMaxMb.toFixed(0)} MiB, VmHWM ${r.memory.hwmMb.toFixed(0)} MiB`)
  if (r.flood) parts.push(`${r.flood.total} wrong-password sign-ins, ${r.flood.rejected} refused`)
  return parts.join('; ')
}

/** Replaces this database's subsection of the load section (added before the other generated ones when missing). */
function writeSection(database: string, run: string[]) {
  const text = readFileSync(docsFile, 'utf8')
  const at = text.indexOf(MARK)
  // The section runs from its mark to the next generated section's (abuse, startup), or the end.
  const next = text.indexOf('\n<!-- ', at < 0 ? 0 : at + MARK.length)
  const end = next < 0 ? text.length : next + 1
  const before = text.slice(0, at < 0 ? end : at)
  const section = at < 0 ? '' : text.slice(at, end)
  const after = text.slice(end)
  const runs = new Map<string, string>()
  for (const part of section.split(/\n(?=### )/).slice(1)) runs.set(part.split('\n')[0] ?? '', part.trim())
  runs.set(`### ${database}`, run.join('\n').trim())
  const out = [
    MARK,
    '## Load: the list, creates, the origin and memory',
    '',
    'Written by `npm run bench` (below, per database, its latest run). Each run measures every scenario',
    'once with the same servers and data; the targets are ratios within a run, so a busy machine',
    'shifts both sides together. Servers are child processes; everything shares two cores.',
    '',
    ...[...runs.values()].flatMap((r) => [r, '']),
  ]
  writeFileSync(docsFile, `${before}${out.join('\n').trimEnd()}\n${after ? `\n${after}` : ''}`)
}

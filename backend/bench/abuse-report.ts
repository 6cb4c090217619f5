/**
 * The "Abuse" section of docs/benchmarks.md, written by `npm run bench -- abuse` (abuse.ts) and
 * kept as it is when `npm run bench` writes the rest of the file (report.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { DURATION_S } from './settings.js'

const docsFile = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url))
/** Where the section begins; it ends where the next section's mark (`<!-- `) begins, or at the end. */
export const ABUSE_MARK = '<!-- abuse: written by npm run bench -- abuse -->'

export type AbuseRow = {
  when: string
  what: string
  requests: number
  p50: number
  p99: number
  max: number
  non2xx: number
  errors: number
}
export type FloodResult = { total: number; errors: number; statuses: Record<string, number> }
/** What the tables below say, and what was measured once (the same bench before decision 020). */
const READING = [
  "- Before decision 020 (commit eeb8ed5, same bench, 2026-12-07): on PostgreSQL the other user's lists",
  '  waited p50 761 ms, p99 1683 ms (24 of 80 answered in the 10 s), creates p99 1516 ms; the flood stored',
  '  211 of the largest tasks. On PGlite neither the other user nor `/healthz` got a single answer in 10 s.',
  '- PostgreSQL now: the flood holds one pooled connection for searches and two for writes, refusals wait',
  "  1 s, and the other user's p99 stays where it is without the flood. Target met.",
  '- PGlite, before its worker thread: searches ran 250 tasks at a time with a turn of the event loop',
  "  between slices, but PGlite ran its SQL on the API's event loop, so the other user's requests waited",
  "  for the flood's statements in between: p99 0.2–0.4 s over several runs, against 60–90 ms without",
  '  the flood. Target not met.',
  '- PGlite now runs on a worker thread of its own (`db/pglite-worker/`, decision 027): the event loop',
  "  stays free for every request that needs no SQL, and the other user's statements wait only for the",
  "  flood's current one. See the table below; a prototype of the same design measured `/healthz` p99",
  "  13–16 ms and the other user's p99 71–148 ms during the flood.",
  '- Why the rates are counted in memory: creates through the database counters of decision 004 (one',
  '  upsert per write) measured 845/s against 1127/s with the in-memory bucket on PostgreSQL (p50 23 ms',
  '  against 17 ms; 20 users, 20 loops, in process), and 351/s against 413/s on PGlite.',
]

type Run = {
  database: string
  rows: AbuseRow[]
  floods: { searches: FloodResult; creates: FloodResult }
  quota: number
}

/** The file around the section: what comes before it, the section, and the sections after it. */
function splitAtSection(text: string) {
  const at = text.indexOf(ABUSE_MARK)
  if (at < 0) return { head: text, section: '', tail: '' }
  const next = text.indexOf('\n<!-- ', at + ABUSE_MARK.length)
  const end = next < 0 ? text.length : next + 1
  return { head: text.slice(0, at), section: text.slice(at, end), tail: text.slice(end) }
}

/** The section and those after it as they are in the file now (empty when none), for report.ts to keep. */
export function currentAbuseSection(): string {
  if (!existsSync(docsFile)) return ''
  const { section, tail } = splitAtSection(readFileSync(docsFile, 'utf8'))
  return section + tail
}

/**
 * The table of one run, under a heading naming its database, replacing that database's earlier
 * run; without a run, the section is written again around the runs it holds.
 */
export function writeAbuseSection(run?: Run) {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
  const statuses = (f: FloodResult) =>
    `${f.total} requests: ${Object.entries(f.statuses)
      .map(([status, n]) => `${n} × ${status}`)
      .join(', ')}${f.errors ? `, ${f.errors} errors` : ''}`
  const runText =
    run &&
    [
      `### ${run.database}`,
      '',
      `- Date: ${new Date().toISOString()}; machine: ${machine}`,
      `- Flooding account: ${run.quota.toLocaleString('en')} of the largest tasks; searches: ${statuses(run.floods.searches)}; creates: ${statuses(run.floods.creates)}`,
      '',
      '| another user | requests | p50 ms | p99 ms | max ms | non-2xx | errors |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...run.rows.map(
        (r) => `| ${r.what}, ${r.when} | ${r.requests} | ${r.p50} | ${r.p99} | ${r.max} | ${r.non2xx} | ${r.errors} |`,
      ),
      '',
    ].join('\n')

  const { head, section: previous, tail } = splitAtSection(existsSync(docsFile) ? readFileSync(docsFile, 'utf8') : '')
  const runs = new Map<string, string>()
  for (const part of previous.split(/\n(?=### )/).slice(1)) runs.set(part.split('\n')[0] ?? '', part.trimEnd())
  if (run && runText) runs.set(`### ${run.database}`, runText.trimEnd())
  const section = [
    ABUSE_MARK,
    '## Abuse: one account flooding the task API',
    '',
    `Written by \`npm run bench -- abuse\` (decision 020). An account holding the quota's worth of the largest`,
    'tasks floods the API with sorted one-letter searches on 30 connections (each a different `q`, so none is',
    'cached) and the largest creates on 16, every task limit at its default. Meanwhile another user lists',
    'and searches at 8 requests a second (2 of them searches), creates one task a second, and a monitor',
    `polls \`/healthz\` 10 times a second; each is measured for ${DURATION_S} s alone, then during the flood.`,
    "Target: the other user's p99 under 200 ms with no 503.",
    '',
    ...READING,
    '',
    ...[...runs.values()].flatMap((text) => [text, '']),
  ].join('\n')

  writeFileSync(docsFile, `${head.trimEnd()}\n\n${section.trimEnd()}\n${tail ? `\n${tail}` : ''}`)
  if (runText) console.log(`\n${runText}\nwritten to docs/benchmarks.md`)
}

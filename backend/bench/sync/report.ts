/**
 * The "Live sync: what it costs" section of docs/benchmarks.md, written by `npm run bench:sync`:
 * the section from its mark to the next section's mark (or the end), replaced whole; the rest of
 * the file is kept as it is.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { Latency } from './latency.js'
import type { ListResult, Load } from './list-load.js'
import type { MemoryResult } from './memory.js'

const docsFile = fileURLToPath(new URL('../../../docs/benchmarks.md', import.meta.url))
const MARK = '<!-- live sync: written by npm run bench:sync -->'

export type TargetRun = {
  database: string
  memory: MemoryResult
  latency: Latency[]
  list: ListResult
  writes: { count: number; perSecond: number }
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1)
const ms = (n: number) => n.toFixed(1)
const load = (l: Load) =>
  `${l.rps.toFixed(0)} req/s, p99 ${l.p99} ms${l.errors || l.non2xx ? ` (${l.errors} errors, ${l.non2xx} non-2xx)` : ''}`

function machine(): string {
  const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim()
  return `\`nproc\` ${nproc} (${cpus()[0]?.model.trim() ?? 'CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`
}

export function writeSyncSection(runs: TargetRun[], notes: string[]) {
  const first = runs[0]
  const lines = [
    MARK,
    '## Live sync: what it costs',
    '',
    'Written by `npm run bench:sync` (backend/bench/sync/). Every API instance is a process of its own',
    '(`node --import tsx src/server.ts`, `NODE_ENV=production`, default `SYNC_*` settings: 10 streams per user,',
    '15 s heartbeats); the idle streams are held by another process (node:http, one keep-alive agent, one',
    'socket each) and the writes and the latency streams by the benchmark process.',
    '',
    `- Date: ${new Date().toISOString()}; machine: ${machine()}`,
    ...notes.map((n) => `- ${n}`),
    '',
    '### Memory per idle stream',
    '',
    'One fresh instance, warmed up (200 streams opened and closed), then its RSS (VmRSS) before the streams,',
    '5 s after the last got `ready`, after 17 s (each has had a `: ping`), and 5 s after the client closed them all.',
    '',
    '| database | streams (users) | RSS before | open | after a heartbeat | closed | per stream | per stream after a heartbeat | client per socket | opened in | ended by the server | slots free after closing |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...runs
      .map(({ database, memory: m }) =>
        [
          database,
          `${m.streams} (${m.users})`,
          `${m.rssBeforeMb.toFixed(1)} MiB`,
          `${m.rssOpenMb.toFixed(1)} MiB`,
          `${m.rssAfterHeartbeatMb.toFixed(1)} MiB`,
          `${m.rssClosedMb.toFixed(1)} MiB`,
          `**${kib(m.perStreamBytes)} KiB**`,
          `${kib(m.perStreamAfterHeartbeatBytes)} KiB`,
          `${kib(m.clientPerStreamBytes)} KiB`,
          `${(m.openMs / 1000).toFixed(1)} s`,
          String(m.endedByServer),
          `${m.reopenedAfterClose}/10 reopened${Object.keys(m.refused).length ? `; refused while opening: ${JSON.stringify(m.refused)}` : ''}`,
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
    '### From a write’s response to its event',
    '',
    first
      ? `${first.writes.count} writes by one user at ${first.writes.perSecond} a second (a create, then a PATCH of that task, in turn) to instance A; the user's streams open on A and, on PostgreSQL, on instance B (another process on the same database: the event crosses by NOTIFY). Latency: from the moment the benchmark had read the write's response to the moment the event's blank line arrived, on one clock; negative when the event came first.`
      : '',
    '',
    '| database | stream on | events / writes | p50 ms | p99 ms | max ms | before the response | missing |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...runs.flatMap(({ database, latency }) =>
      latency.map(
        (l) =>
          `| ${database} | ${l.where} | ${l.received}/${l.writes} | **${ms(l.p50)}** | **${ms(l.p99)}** | ${ms(l.max)} | ${l.early} | ${l.missing} |`,
      ),
    ),
    '',
    '### The task list with idle streams open',
    '',
    first
      ? `One instance, \`GET /api/{user_id}/tasks?limit=50\` (JWT, 50 tasks) on 50 connections, ${first.list.generator === 'wrk' ? 'wrk in its own process' : 'autocannon in the benchmark process'}, each phase 2 s warm-up then the measured run: no stream, ${first.list.streams} idle streams of other users, no stream again. Ratio: with streams over the mean of the two runs without.`
      : '',
    '',
    '| database | no stream | with streams | no stream, again | throughput ratio | p99 ratio |',
    '|---|---|---|---|---:|---:|',
    ...runs.map(
      ({ database, list: l }) =>
        `| ${database} | ${load(l.before)} | ${load(l.during)} (${l.streams}) | ${load(l.after)} | **${l.rpsRatio.toFixed(2)}** | **${l.p99Ratio.toFixed(2)}** |`,
    ),
    '',
  ]
  const section = lines.join('\n')
  const text = existsSync(docsFile) ? readFileSync(docsFile, 'utf8') : ''
  const at = text.indexOf(MARK)
  if (at < 0) {
    writeFileSync(docsFile, `${text.trimEnd()}\n\n${section}`)
  } else {
    const next = text.indexOf('\n<!-- ', at + MARK.length)
    const tail = next < 0 ? '' : text.slice(next + 1)
    writeFileSync(docsFile, `${text.slice(0, at)}${section}${tail ? `\n${tail}` : ''}`)
  }
  console.log(`\n${section}\nwritten to docs/benchmarks.md`)
}

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
import { DURATION_S, type ListResult, type Load } from './list-load.js'
import type { MemoryResult } from './memory.js'
import type { HeapAfterGc } from './servers.js'

const docsFile = fileURLToPath(new URL('../../../docs/benchmarks.md', import.meta.url))
const MARK = '<!-- live sync: written by npm run bench:sync -->'

/** What the tables do not say; the figures in it are from the run of 2026-12-07 (two noisy cores). */
const READING = [
  '### Reading the live-sync numbers',
  '',
  '- RSS per stream overstates what a stream keeps, and varies from run to run (45–70 KiB): it also',
  '  counts garbage of the opening not yet collected, and heap V8 grew and keeps (RSS stays up after',
  '  the streams close). What the streams hold is the heap after a full collection: 35 KiB each on',
  '  both databases, the same in every run, so `SYNC_MAX_STREAMS` (10,000) is about 350 MiB of heap,',
  '  0.5–0.7 GiB of RSS. A heap-snapshot diff of 1,000 streams (2026-12-07) shows no single owner:',
  "  about 600 small objects per stream, the whole request kept alive for the stream's life: Hono's",
  "  context with its ~20 closures, the Request with 5 Headers objects, the request's pino child",
  "  logger, an AbortController, a URL, the web ReadableStream and the adapter's reader, node's",
  "  socket, IncomingMessage and ServerResponse, the stream's timers. A stream costs what an HTTP",
  '  request in flight costs, held open.',
  '- Nothing is left behind: after closing, the heap is back within ~2 MiB of where it was (under',
  '  0.5 KiB a stream, caches included), the server ended no stream while open, and the first user',
  '  could open its 10 streams again at once (no slot stuck).',
  '- Idle streams cost CPU through heartbeats only: 5,000 streams send ~330 `: ping` a second (every',
  '  15 s), 5–7% of a core here; 1,000 about 1%. That bounds what 1,000 idle streams can take from the',
  "  list: a per cent or two, far below this machine's noise. With others' tests running, phases of",
  '  one kind differ by up to ±40% in throughput and several times in p99, and the phases with streams',
  '  even came out faster on both databases: not a speed-up, but noise, and probably the closing of',
  '  1,000 streams (and the collection of their 35 MiB) falling into the phase without streams that',
  '  follows. So the list ratio says "no visible slow-down", not more; a quiet machine would bound it tighter.',
  '- Latency: a write commits, its trigger NOTIFYs every instance at once, and each reads the',
  "  user's new events: the writing instance has no head start, and from run to run either instance",
  "  is ahead by a few ms. An event may arrive before the benchmark has read its write's response",
  '  (the column "before the response"). p99 stays under 100 ms on this loaded machine, far inside',
  "  the contract's 1 s, and no event was missing.",
  '- Opening is the expensive moment: each open reads the session and the position (32 at a time,',
  '  5,000 took 41–51 s on PostgreSQL and 78–107 s on PGlite here). Clients reconnecting after an',
  '  instance restart should spread out, as `retry:` plus jitter does.',
  '- The client side: node:http holds a socket for about 16 KiB; `ulimit -n` (20,000 here) bounds',
  '  both processes, one descriptor per stream each.',
]

export type TargetRun = {
  database: string
  memory: MemoryResult
  latency: Latency[]
  list: ListResult
  writes: { count: number; perSecond: number }
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1)
const mib = (n: number) => `${n.toFixed(1)} MiB`
const pct = (share: number) => `${(share * 100).toFixed(1)}%`
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
    '5 s after the last got `ready`, after 17 s more (each has had a `: ping`), and 5 s after the client closed them all;',
    'its CPU time over 5 s idle before the streams and over those 17 s, as a share of one core; and what its heap',
    'holds after a full garbage collection (`--expose-gc`, bench/sync/gc-probe.ts, asked by SIGUSR2) at those moments.',
    '',
    '| database | streams (users) | opened in | RSS before | open | after a heartbeat | closed | **RSS per stream** | after a heartbeat |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map(
      ({ database, memory: m }) =>
        `| ${database} | ${m.streams} (${m.users}) | ${(m.openMs / 1000).toFixed(1)} s | ${mib(m.rssBeforeMb)} | ${mib(m.rssOpenMb)} | ${mib(m.rssAfterHeartbeatMb)} | ${mib(m.rssClosedMb)} | **${kib(m.perStreamBytes)} KiB** | ${kib(m.perStreamAfterHeartbeatBytes)} KiB |`,
    ),
    '',
    '| database | heap + external after a full GC: before → open → closed | **kept per stream** | idle CPU (one core): none → open | client RSS per socket | ended by the server | slots after closing |',
    '|---|---|---:|---:|---:|---:|---|',
    ...runs.map(({ database, memory: m }) => {
      const heap = (h: HeapAfterGc) => ((h.heapUsed + h.external) / 2 ** 20).toFixed(1)
      const refused = Object.keys(m.refused).length ? `; refused while opening: ${JSON.stringify(m.refused)}` : ''
      return `| ${database} | ${heap(m.gcBefore)} → ${heap(m.gcOpen)} → ${heap(m.gcClosed)} MiB | **${kib(m.retainedPerStreamBytes)} KiB** | ${pct(m.idleCpuBefore)} → ${pct(m.idleCpuOpen)} | ${kib(m.clientPerStreamBytes)} KiB | ${m.endedByServer} | ${m.reopenedAfterClose}/10 reopened${refused} |`
    }),
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
      ? `One instance, \`GET /api/{user_id}/tasks?limit=50\` (JWT, 50 tasks) on 50 connections, ${first.list.generator === 'wrk' ? 'wrk in its own process' : 'autocannon in the benchmark process'}, each phase 2 s warm-up then ${DURATION_S} s measured, in turn: none, ${first.list.streams} idle streams of other users, none, … (7 phases). Ratios: each phase with streams over the mean of the two phases around it; the median of those.`
      : '',
    '',
    '| database | phases in turn (streams open: req/s, p99) | throughput ratio | p99 ratio |',
    '|---|---|---:|---:|',
    ...runs.map(
      ({ database, list: l }) =>
        `| ${database} | ${l.phases.map((p) => `${p.streams}: ${load(p.load)}`).join('; ')} | **${l.rpsRatio.toFixed(2)}** | **${l.p99Ratio.toFixed(2)}** |`,
    ),
    '',
    ...READING,
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

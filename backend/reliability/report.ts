/**
 * The reliability report: every word of it. The scenarios' titles, recovery cells and
 * summaries, the table `npm run reliability` prints and the text of docs/reliability.md, from
 * the numbers the scenarios measured. Nothing here measures.
 */
import { cpus, totalmem } from 'node:os'
import { median, mib, round } from './numbers.js'
import type { StormResult } from './scenarios/brute-force-storm.js'
import type { CrashResult } from './scenarios/crash-durability.js'
import type { OutageResult } from './scenarios/database-outage.js'
import type { DatabaseKind } from './scenarios/measure.js'
import type { MemoryResult } from './scenarios/memory.js'
import type { RollingAborted, RollingResult } from './scenarios/rolling-restart.js'

/** What a scenario returns: one of these, told apart by `kind`. */
export type ScenarioResult = CrashResult | OutageResult | RollingResult | RollingAborted | MemoryResult | StormResult

/** A scenario that could not run here, and why. */
export type Skipped = { scenario: string; reason: string }

const databaseName = (d: DatabaseKind) => (d === 'pg' ? 'PostgreSQL' : 'PGlite')

/** The scenario's name: the first column of the table, and what the run prints beside its verdict. */
export function titleOf(r: ScenarioResult): string {
  switch (r.kind) {
    case 'crash':
      return `a. kill -9 under load (${databaseName(r.database)})`
    case 'outage':
      return `b. database outage (private cluster, stop -m ${r.stopMode})`
    case 'rolling':
      return `c. rolling restart (${r.restarts.join(', ')}), client ${r.client === 'routed' ? 'routing by /readyz' : 'without health checks'}`
    case 'rolling-aborted':
      return 'c. rolling restart'
    case 'memory':
      return `d. memory, ${r.durationS} s load (${databaseName(r.database)})`
    case 'storm':
      return `e. brute-force storm (${databaseName(r.database)})`
  }
}

/** The table's recovery time cell. */
export function recoveryOf(r: ScenarioResult): string {
  switch (r.kind) {
    case 'crash':
      return r.recoveryMs.length
        ? `median ${round(median(r.recoveryMs))} ms, max ${round(Math.max(...r.recoveryMs))} ms`
        : 'n/a'
    case 'outage':
      return Number.isNaN(r.recoveryMs) ? 'none' : `${round(r.recoveryMs)} ms`
    case 'rolling':
      return r.steps.map((s) => `${s.name}: drained ${round(s.drainMs)} ms, ready ${round(s.backMs)} ms`).join('; ')
    case 'rolling-aborted':
    case 'memory':
    case 'storm':
      return 'n/a'
  }
}

/** One sentence on what was done and seen, for docs/reliability.md (and the test's diagnostics). */
export function summaryOf(r: ScenarioResult): string {
  switch (r.kind) {
    case 'crash': {
      const label = databaseName(r.database)
      return (
        `${r.cycles === 1 ? 'Once' : `${r.cycles} times`}, ${r.loops} concurrent loops created tasks as fast as they could on ${label} and the server ` +
        `got \`kill -9\` after ${round(Math.min(...r.loadMs))}–${round(Math.max(...r.loadMs))} ms; after each restart every ` +
        `task that had been answered 201 was read back by id (and all of them again at the end): ` +
        `${r.acknowledged} acknowledged, ${r.lost} lost; ${r.unanswered} requests in flight at the kill got no answer ` +
        `(not acknowledged, so not counted). Recovery is kill → restarted process ready.`
      )
    }
    case 'outage': {
      const o = r.observed
      const detail = o
        ? `${o.requestsWhileDown} list/create requests while it was down were all answered ` +
          `${o.all503 ? '503' : 'NOT all 503'} problem+json with Retry-After, the slowest ` +
          `request from the stop to 5 s after the start took ${round(o.worstMs)} ms, /readyz said 503 ${o.readyzWhileDown} times; ` +
          `both instances answered again ${round(r.recoveryMs)} ms after the database accepted connections, without a ` +
          `restart; their revocation listeners reconnected after ${o.listenerMs.map(round).join(' / ')} ms, and a sign-out ` +
          `on one instance after recovery was refused on the other within ${o.revocationMs.map(round).join(' / ')} ms; ` +
          `a live-sync stream open throughout kept its heartbeats and got resync ${round(o.streamResyncMs)} ms after the database was back.`
        : ''
      return (
        `Two instances on a private PostgreSQL cluster served ${r.loopsPerInstance} list/create loops each; the ` +
        `cluster was stopped with \`pg_ctl stop -m ${r.stopMode}\` for ${(r.outageMs / 1000).toFixed(1)} s and ` +
        `started again: ${detail}`
      )
    }
    case 'rolling': {
      const m = r.metrics
      const how =
        r.client === 'routed'
          ? 'sending only to instances whose /readyz, polled every 100 ms, answered 200'
          : 'alternating blindly between the instances'
      return (
        `Two instances on one PostgreSQL database; ${r.loopsPerClient} loops of this client (list, read, create; ` +
        `${how}; a GET retried on the other instance after any connection error, a POST only when its connection ` +
        `was refused) ran beside ${r.loopsPerClient} loops of the other client; ` +
        `${r.restarts.map((n) => `${n} got SIGTERM and was started again`).join(', then ')}. ` +
        `${m.failed} of ${r.requests} requests failed for this client (${m.retried} needed the retry)` +
        (m.acceptQueueResets
          ? `, ${m.acceptQueueResets} of them POSTs reset on a fresh connection as the stopping instance closed its listener`
          : '') +
        `. Every request in flight at a SIGTERM (${m.inFlight}, a 1 s slow upload each time among them) was ` +
        `answered by the stopping instance before it exited with ${r.steps.map((s) => String(s.exit)).join(', ')}; drain is SIGTERM → exit, ` +
        `ready is SIGTERM → restarted process ready.`
      )
    }
    case 'rolling-aborted':
      return 'The rolling restart could not complete.'
    case 'memory': {
      const rss = r.metrics
      return (
        `RSS of the server process (${databaseName(r.database)}): ${mib(rss.idle ?? 0)} MiB idle after start, ${mib(rss.warm ?? 0)} MiB after ` +
        `a 5 s warm-up, ${mib(rss.after ?? 0)} MiB right after ${r.durationS} s of load by ${r.loops} loops (create, list, ` +
        `read, session-token /api/me; peak ${mib(rss.peak ?? 0)} MiB), ${mib(rss.settled ?? 0)} MiB after 10 s idle. ` +
        `During the load, every 10 s: ${r.samples.map(mib).join(', ')} MiB.`
      )
    }
    case 'storm': {
      const m = r.metrics
      return (
        `The task list at 50 connections for ${r.durationS} s: p99 ${m.p99Alone} ms (${round(m.rpsAlone ?? 0)} req/s) ` +
        `alone, p99 ${m.p99During} ms (${round(m.rpsDuring ?? 0)} req/s) while 16 connections sent ` +
        `${m.flood} wrong-password sign-ins for the same account from one address ` +
        `(${m.flood401} answered 401 before the limits, ${m.flood429} answered 429, each after the 1 s tarpit).`
      )
    }
  }
}

function fiveXX(r: ScenarioResult): string {
  const entries = Object.entries(r.serverErrors)
  return entries.length ? entries.map(([status, n]) => `${n} × ${status}`).join(', ') : '0'
}

export function renderTable(results: ScenarioResult[]): string {
  const header = ['scenario', 'requests', 'acknowledged', 'lost', '5xx', 'recovery time', 'result']
  const rows = results.map((r) => [
    titleOf(r),
    String(r.requests),
    String(r.acknowledged),
    r.lost === undefined ? '—' : String(r.lost),
    fiveXX(r),
    recoveryOf(r),
    r.violations.length ? 'FAILED' : 'ok',
  ])
  const numeric = [false, true, true, true, true, false, false]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join(' | ')} |`
  const rule = `| ${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

export function renderDoc(
  results: ScenarioResult[],
  skipped: Skipped[],
  table: string,
  pgVersion: string | undefined,
  clusterVersion: string | undefined,
): string {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}, Node ${process.version}`
  const violations = results.flatMap((r) => r.violations.map((v) => `- ${titleOf(r)}: ${v}`))
  return [
    '# Reliability',
    '',
    'Written by `npm run reliability` (`backend/reliability/`); the same scenarios, smaller, run in',
    '`backend/test/reliability.test.ts`. Every scenario runs real server processes',
    '(`node --import tsx src/server.ts`, `NODE_ENV=production`) and real databases, and injects the fault',
    'from outside: `kill -9`, `pg_ctl stop`, `SIGTERM`.',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machine}`,
    `- PostgreSQL: ${pgVersion ? `${pgVersion} (RELIABILITY_DATABASE_URL; a throw-away database per scenario)` : 'not reachable'}`,
    `- Private cluster for the outage: ${clusterVersion ?? 'not available'} (initdb into a temporary directory, its own port)`,
    '',
    table,
    '',
    'Columns: _requests_ the client sent (creates only in a; list and create in b; list, read and create in c;',
    'create, list, read and session-token `/api/me` in d; task lists and wrong-password sign-ins in e),',
    '_acknowledged_ the 2xx answers, _lost_ acknowledged creates that could not be read back by id afterwards,',
    '_5xx_ by status, _recovery time_: in a, from `kill -9`',
    'to the restarted process answering `/readyz` 200; in b, from the moment a direct connection to the database',
    'succeeds again to the first success of both instances after their last failure (0: their first request',
    'after that point succeeded; the load loops pause 50 ms after a failure); in c, _drained_ is SIGTERM → exit',
    '(the server first lingers up to 1 s, less once no connection is open, serving with `Connection: close`',
    'and a 503 `/readyz`, then closes its listener) and _ready_ is SIGTERM → the restarted process ready.',
    '',
    'In c, a request of the client without health checks that still fails after its retry counts as failed. One',
    'kind is not blamed on the server: a POST reset on a brand-new connection while an instance closes its',
    'listener (Linux resets connections still in the accept queue; the server never saw them, but the client',
    'cannot know that, so it must not retry). Only a client that stops sending first avoids it, which is what',
    'the 503 from `/readyz` during the linger is for.',
    '',
    '## What each scenario did',
    '',
    ...results.map((r) => `- **${titleOf(r)}** — ${summaryOf(r)}`),
    ...skipped.map((s) => `- **${s.scenario}** — skipped: ${s.reason}`),
    '',
    '## Misbehaviour found in this run',
    '',
    ...(violations.length ? violations : ['None.']),
    '',
    '## Found and fixed while this suite was built',
    '',
    '- Two instances starting together on a fresh database each create a signing key; requests that met the',
    '  newer `kid` while a key reload was running got 401 (`auth/tokens.ts`: they now wait for that reload).',
    '- After a database restart the revocation listener retried with a back-off growing to 5 s, so an instance',
    '  kept accepting signed-out tokens for up to seconds after recovery (`auth/revocation.ts`: retry every 500 ms).',
    '- On SIGTERM idle keep-alive connections were cut at once, racing the next request a client sent on them',
    '  (ECONNRESET, 0–2 per restart in our runs, POSTs included); the server now lingers up to 1 s answering',
    '  with `Connection: close` and a 503 `/readyz` before it closes its listener (`http/listen.ts`,',
    '  `server.ts`, `app.ts`, `ops/routes.ts`).',
    '- A flood of wrong-password sign-ins, though refused from memory, took the CPU honest users needed (task-list',
    '  p99 2.3–4× its p99 without the flood); refused sign-ins now wait 1 s before their 429 (`auth/limits.ts`,',
    '  decision 004), and the list p99 stays within 1.2× of it (e).',
    '',
  ].join('\n')
}

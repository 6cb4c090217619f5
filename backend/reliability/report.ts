/**
 * The reliability report: the table `npm run reliability` prints and the text of
 * docs/reliability.md, from what the scenarios measured. Nothing here measures.
 */
import { cpus, totalmem } from 'node:os'
import type { ScenarioResult } from './scenarios/measure.js'

/** A scenario that could not run here, and why. */
export type Skipped = { scenario: string; reason: string }

function fiveXX(r: ScenarioResult): string {
  const entries = Object.entries(r.serverErrors)
  return entries.length ? entries.map(([status, n]) => `${n} × ${status}`).join(', ') : '0'
}

export function renderTable(results: ScenarioResult[]): string {
  const header = ['scenario', 'requests', 'acknowledged', 'lost', '5xx', 'recovery time', 'result']
  const rows = results.map((r) => [
    r.scenario,
    String(r.requests),
    String(r.acknowledged),
    r.lost === undefined ? '—' : String(r.lost),
    fiveXX(r),
    r.recovery,
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
  const violations = results.flatMap((r) => r.violations.map((v) => `- ${r.scenario}: ${v}`))
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
    ...results.map((r) => `- **${r.scenario}** — ${r.summary}`),
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

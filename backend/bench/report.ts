import { writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'

import { currentAbuseSection } from './abuse-report.js'
import { CONNECTIONS, DURATION_S, OTHER_TASKS } from './settings.js'

const docsFile = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url))

export type Result = { name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number }
/** The sign-in flood beside (e): how many it sent and how many were refused. */
export type FloodSummary = { total: number; rps: number; rejected: number }

export function report(
  results: Result[],
  database: string,
  floodSummary: FloodSummary | undefined,
  generator: 'wrk' | 'autocannon',
) {
  const by = (prefix: string) => results.find((r) => r.name.startsWith(prefix)) as Result
  const [a, b, c, e] = [by('(a)'), by('(b)'), by('(c)'), by('(e)')]
  const ratios = [
    { what: 'a/b throughput (target ≥ 0.7)', value: a.rps / b.rps, ok: a.rps / b.rps >= 0.7 },
    { what: 'a/c throughput (target ≥ 3)', value: a.rps / c.rps, ok: a.rps / c.rps >= 3 },
    { what: 'p99 a / p99 b (target ≤ 1.5)', value: a.p99 / b.p99, ok: a.p99 / b.p99 <= 1.5 },
    { what: 'p99 e / p99 a: list during a sign-in flood (target ≤ 2)', value: e.p99 / a.p99, ok: e.p99 / a.p99 <= 2 },
  ]
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (see README). Ratios are taken within one run, so a noisy machine',
    'shifts all rows together. Each row: 2 s warm-up, then',
    `${DURATION_S} s at ${CONNECTIONS} connections (${
      generator === 'wrk'
        ? 'wrk -t1 in its own process, `npm run bench -- --wrk`'
        : 'autocannon, in the benchmark process; `npm run bench -- --wrk` uses wrk in its own process'
    }; servers are child processes).`,
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machine}`,
    `- Database: ${database}; ${OTHER_TASKS.toLocaleString('en')} tasks of 1,000 other users, 50 of the caller's`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | errors | non-2xx |',
    '|---|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`),
    '',
    '| ratio | value | target met |',
    '|---|---:|---|',
    ...ratios.map((r) => `| ${r.what} | ${r.value.toFixed(2)} | ${r.ok ? 'yes' : 'no'} |`),
    '',
    '## Reading the numbers',
    '',
    '- Everything shares two cores: PostgreSQL, the server under test and the load generator, so CPU one',
    '  of them saves goes to the others.',
    '- (a) is served from the per-user list cache (decision 010): each request verifies the JWT',
    "  (cached per token until `exp`), reads the user's list version (one primary-key lookup, a",
    '  prepared statement) and, as nothing changed, sends the page serialised earlier. (b) runs the',
    '  list query itself on every request, so (a) can match it while doing Hono routing, middleware',
    '  and validation besides. The cache is never stale: the version is bumped by a trigger in the',
    '  same transaction as every task write (`test/list-cache.test.ts`). A list right after a write',
    '  costs the version lookup plus the query.',
    '- (c) is what the seed design implies per request (a session and a user lookup); (a) does no',
    '  database work for authentication at all.',
    "- (d) writes one task and bumps the user's list version in the same transaction; all 50",
    "  connections create for one user, so they also queue for that user's version row.",
    '- (e): once over the per-IP failure limit, sign-ins are refused from memory (no hashing, no',
    '  database) after a 1 s tarpit (`SIGNIN_REFUSAL_DELAY_MS`), so each flooding connection gets',
    '  about one answer a second instead of the CPU.',
    '',
    floodSummary
      ? `During (e), 16 connections sent ${floodSummary.total} wrong-password sign-ins; ${floodSummary.rejected} were refused (401, then 429 without hashing once past the per-IP limit, each after the tarpit).`
      : '',
    '',
  ]
  // The abuse section (abuse-report.ts) is written by its own run: keep it.
  const abuse = currentAbuseSection()
  writeFileSync(docsFile, abuse ? `${lines.join('\n').trimEnd()}\n\n${abuse}` : lines.join('\n'))
  console.log(`\n${lines.slice(10).join('\n')}\nwritten to docs/benchmarks.md`)
}

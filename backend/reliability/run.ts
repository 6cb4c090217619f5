/**
 * `npm run reliability`: fault injection against real server processes, at full size.
 * Prints a table and writes docs/reliability.md. Exits 1 when the server misbehaved.
 *
 *   a. kill -9 under a create load, 5 times, on PostgreSQL and on PGlite: nothing acknowledged is lost
 *   b. the database stops under load (a private cluster, never the machine's own): fast 503s,
 *      /readyz 503, recovery without a restart, revocation still reaches every instance
 *   c. rolling restart of two instances: no failed request for a retrying client, clean drain
 *   d. RSS of the server before and after a 60 s load
 *   e. task-list p99 with and without a flood of wrong-password sign-ins
 *
 * RELIABILITY_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) is where
 * throw-away databases are created (and dropped); RELIABILITY_MEMORY_SECONDS (default 60).
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { adminQuery, unreachable } from '../testkit/databases.js'
import { probeCluster } from './cluster.js'
import { renderDoc, renderTable, type ScenarioResult, type Skipped, titleOf } from './report.js'
import { bruteForceStorm } from './scenarios/brute-force-storm.js'
import { crashDurability } from './scenarios/crash-durability.js'
import { databaseOutage } from './scenarios/database-outage.js'
import { memory } from './scenarios/memory.js'
import { rollingRestart } from './scenarios/rolling-restart.js'

const docsFile = fileURLToPath(new URL('../../docs/reliability.md', import.meta.url))
const ADMIN_URL = process.env.RELIABILITY_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const MEMORY_SECONDS = Number(process.env.RELIABILITY_MEMORY_SECONDS ?? 60)
const STORM_SECONDS = 10
const CRASH_CYCLES = 5

async function main() {
  const log = (line: string) => console.log(line)
  const results: ScenarioResult[] = []
  const skipped: Skipped[] = []
  const pgDown = await unreachable(ADMIN_URL)
  const pgVersion = pgDown
    ? undefined
    : String((await adminQuery(ADMIN_URL, 'show server_version')).rows[0]?.server_version)
  const cluster = probeCluster()

  const runMany = async (name: string, scenario: () => Promise<ScenarioResult[]>) => {
    console.log(`\n${name}`)
    const started = performance.now()
    for (const result of await scenario()) {
      results.push(result)
      const verdict = result.violations.length ? `FAILED:\n    ${result.violations.join('\n    ')}` : 'ok'
      console.log(`  ${titleOf(result)}: ${verdict}`)
    }
    console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`)
  }
  const run = (name: string, scenario: () => Promise<ScenarioResult>) => runMany(name, async () => [await scenario()])

  if (pgDown) skipped.push({ scenario: 'a. kill -9 under load (PostgreSQL)', reason: pgDown })
  else {
    await run('a. kill -9 under load, PostgreSQL', () =>
      crashDurability({
        driver: 'pg',
        adminUrl: ADMIN_URL,
        cycles: CRASH_CYCLES,
        loops: 4,
        killAfterMs: [500, 2_000],
        log,
      }),
    )
  }
  await run('a. kill -9 under load, PGlite', () =>
    crashDurability({ driver: 'pglite', cycles: CRASH_CYCLES, loops: 4, killAfterMs: [500, 2_000], log }),
  )

  if (!cluster.ok) skipped.push({ scenario: 'b. database outage', reason: cluster.reason })
  else {
    for (const stopMode of ['fast', 'immediate'] as const) {
      await run(`b. database outage, pg_ctl stop -m ${stopMode}`, () =>
        databaseOutage({ probe: cluster, outageMs: 5_000, loopsPerInstance: 4, warmMs: 2_000, stopMode, log }),
      )
    }
  }

  if (pgDown) skipped.push({ scenario: 'c. rolling restart', reason: pgDown })
  else {
    await runMany('c. rolling restart', () =>
      rollingRestart({
        adminUrl: ADMIN_URL,
        loopsPerClient: 4,
        restarts: ['A', 'B'],
        warmMs: 2_000,
        settleMs: 2_000,
        log,
      }),
    )
  }

  await run(`d. memory, ${MEMORY_SECONDS} s load`, () =>
    memory({ adminUrl: pgDown ? undefined : ADMIN_URL, durationS: MEMORY_SECONDS, loops: 8, log }),
  )

  await run('e. brute-force storm', () =>
    bruteForceStorm({ adminUrl: pgDown ? undefined : ADMIN_URL, durationS: STORM_SECONDS, log }),
  )

  const clusterVersion = cluster.ok
    ? execFileSync(join(cluster.tools.binDir, 'postgres'), ['--version'], { encoding: 'utf8' }).trim()
    : undefined
  const table = renderTable(results)
  console.log(`\n${table}`)
  writeFileSync(docsFile, renderDoc(results, skipped, table, pgVersion, clusterVersion))
  console.log('\nwritten to docs/reliability.md')
  const failed = results.filter((r) => r.violations.length)
  if (failed.length) {
    console.log(`\n${failed.length} scenario(s) found misbehaviour: ${failed.map(titleOf).join('; ')}`)
    process.exitCode = 1
  }
}

await main()

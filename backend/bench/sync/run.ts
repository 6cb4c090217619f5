/**
 * `npm run bench:sync`: what live sync costs (docs/benchmarks.md, "Live sync: what it costs").
 * On PostgreSQL (BENCH_DATABASE_URL, a fresh database beside it) and on PGlite: memory per idle
 * stream with 5,000 open, the latency from a write's response to its event on the same and on
 * another instance, and the task list with 1,000 idle streams open against none.
 *
 * `--pg` or `--pglite` measures one of them only; `--quick` a tenth of everything (a smoke run,
 * not written to the docs); `--note=<text>` adds a line to the section (what else ran meanwhile).
 */
import { writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { freshTarget } from '../../testkit/databases.js'
import { startHolder } from './holder.js'
import { measureLatency } from './latency.js'
import { measureList } from './list-load.js'
import { measureMemory } from './memory.js'
import { type TargetRun, writeSyncSection } from './report.js'
import { signupMany, startApi, stopApi } from './servers.js'
import { fdLimit } from './sse.js'

const quick = process.argv.includes('--quick')
const STREAMS = quick ? 500 : 5_000
/** 10 streams each: SYNC_MAX_STREAMS_PER_USER at its default. */
const USERS = STREAMS / 10
const WRITES = quick ? 60 : 500
const WRITES_PER_SECOND = 20
const LIST_STREAMS = quick ? 100 : 1_000

const adminUrl = process.env.BENCH_DATABASE_URL
const wanted = (flag: string) =>
  process.argv.includes(flag) || !(process.argv.includes('--pg') || process.argv.includes('--pglite'))
const databases = [
  ...(adminUrl && wanted('--pg') ? [{ name: 'PostgreSQL', url: adminUrl }] : []),
  ...(wanted('--pglite') ? [{ name: 'PGlite', url: undefined }] : []),
]
if (databases.length === 0) throw new Error('--pg needs BENCH_DATABASE_URL')

// Each idle stream is a socket in the holder and one in the server (this limit is inherited by both).
if (fdLimit() < STREAMS + 1_000) {
  throw new Error(`${STREAMS} streams need more open files than \`ulimit -n\` (${fdLimit()}) allows: raise it first`)
}

async function measure(name: string, url: string | undefined): Promise<TargetRun> {
  console.log(`\n${name}`)
  const target = await freshTarget(url, 'bench_sync')
  const holder = startHolder()
  let a = await startApi(target, 'the API (A)')
  try {
    const started = Date.now()
    const users = await signupMany(a.base, USERS)
    const [writer, lister] = await signupMany(a.base, 2)
    if (!writer || !lister) throw new Error('no writer or lister')
    console.log(`  signed up ${USERS + 2} users in ${((Date.now() - started) / 1000).toFixed(0)} s`)

    // PGlite is one process's database: A makes way for the memory instance.
    if (!url) await stopApi(a)
    const memory = await measureMemory(target, holder, users, STREAMS)
    if (!url) a = await startApi(target, 'the API (A)')

    const writes = { count: WRITES, perSecond: WRITES_PER_SECOND }
    const listenOn = [{ where: 'the same instance (A)', server: a }]
    const b = url ? await startApi(target, 'the API (B)') : undefined
    if (b) listenOn.push({ where: 'another instance (B)', server: b })
    let latency: Awaited<ReturnType<typeof measureLatency>>
    try {
      latency = await measureLatency(a, listenOn, writer, { writes: WRITES, perSecond: WRITES_PER_SECOND })
    } finally {
      if (b) await stopApi(b)
    }

    const list = await measureList(a, holder, lister, users, LIST_STREAMS)
    return { database: name, memory, latency, list, writes }
  } finally {
    holder.stop()
    await stopApi(a)
    await target.drop()
  }
}

const load = () => loadavg()[0]?.toFixed(1)
const loadAtStart = load()
const runs: TargetRun[] = []
for (const { name, url } of databases) runs.push(await measure(name, url))
const notes = [
  `Load average (1 min) ${loadAtStart} at the start, ${load()} at the end: other processes share the machine`,
  `Database: ${databases.map((d) => (d.url ? 'PostgreSQL (BENCH_DATABASE_URL, a fresh database)' : 'PGlite (embedded, one process)')).join('; ')}`,
  `Open files (\`ulimit -n\`): ${fdLimit()}`,
]
// The raw numbers too, for a closer look than the section gives.
const raw = join(tmpdir(), `taskwell-bench-sync-${Date.now()}.json`)
writeFileSync(raw, JSON.stringify(runs, null, 2))
console.log(`\nthe numbers: ${raw}`)
if (quick) console.log('--quick: not written to docs/benchmarks.md')
else writeSyncSection(runs, [...notes, ...process.argv.flatMap((a) => (a.startsWith('--note=') ? [a.slice(7)] : []))])

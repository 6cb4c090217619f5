/**
 * `npm run bench -- profile <dir>`: where the CPU went, from the V8 CPU profiles the servers
 * wrote into <dir> (BENCH_CPU_PROF=<dir> npm run bench …; one file per process and per worker
 * thread). Per file: the functions with the most self time, and self time by package, so a
 * profile can be read without opening DevTools. Start-up is in the profile too: profile a long
 * run (BENCH_DURATION_SECONDS) of one scenario (`--only list`) so the load dominates.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

type Node = {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const TOP = 25

/** Where a script comes from: its package under node_modules, our own code, or node itself. */
function origin(url: string): string {
  if (!url) return '(V8 / native)'
  if (url.startsWith('node:')) return 'node:*'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1] as string
  const ours = /\/(backend|frontend)\/(?:dist\/|src\/|dist-server\/)?(.*)$/.exec(url)
  return ours ? `${ours[1]}/${(ours[2] as string).split('/')[0]}` : url
}

export function summarise(profile: Profile): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const byFunction = new Map<string, number>()
  const byOrigin = new Map<string, number>()
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = (byId.get(id) as Node).callFrame
    const file = url.replace(/^.*\/(node_modules|backend|frontend)\//, '$1/')
    const key = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim()
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
    byOrigin.set(origin(url), (byOrigin.get(origin(url)) ?? 0) + us)
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
  return [
    `sampled ${(total / 1e6).toFixed(1)} s of CPU`,
    '',
    '| self time | function |',
    '|---:|---|',
    ...top(byFunction, TOP).map(([k, us]) => `| ${pct(us)} | \`${k}\` |`),
    '',
    '| self time | where |',
    '|---:|---|',
    ...top(byOrigin, 15).map(([k, us]) => `| ${pct(us)} | ${k} |`),
  ]
}

export function profileSummary(dir: string) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`)
  for (const file of files.sort()) {
    console.log(`\n## ${file}\n`)
    console.log(summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile).join('\n'))
  }
}

/**
 * Load from wrk (Debian's package) in its own process, so the load generator does not share an
 * event loop with the benchmark or the server under test: autocannon runs inside this process,
 * and on two cores its own CPU use shows up in the numbers it reports.
 *
 * One thread (`-t1`), latency percentiles from wrk's HdrHistogram (`--latency`). Requests are
 * described by a Lua script written for the run, so one run can spread its requests over many
 * users (a different token and path per request).
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type WrkRequest = { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string }

export type WrkResult = { rps: number; p50: number; p99: number; errors: number; non2xx: number }

/** Whether wrk is on this machine; if not, and we may, installs it (Debian's `wrk`). */
export function ensureWrk(): boolean {
  if (hasWrk()) return true
  if (process.getuid?.() === 0) {
    console.log('wrk is missing: installing Debian’s wrk package')
    try {
      execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit' })
    } catch {
      execFileSync('apt-get', ['update'], { stdio: 'inherit' })
      execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit' })
    }
  }
  return hasWrk()
}

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' })
    return true
  } catch (err) {
    // wrk --version exits 1 after printing its usage; only a missing binary is ENOENT.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT'
  }
}

/**
 * `connections` connections for `durationS` seconds against `base`, cycling through `requests`
 * (one request per entry, in order, round-robin across the run). `pauseMs`: each connection
 * waits that long before each request (wrk's `delay`, not counted in the latency), so a monitor
 * beside the real load sends a steady trickle instead of all it can.
 */
export async function wrkLoad(
  base: string,
  requests: WrkRequest[],
  { connections, durationS, pauseMs }: { connections: number; durationS: number; pauseMs?: number },
): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'taskwell-wrk-'))
  try {
    const script = join(dir, 'requests.lua')
    writeFileSync(script, luaScript(requests, pauseMs))
    const output = await run('wrk', [
      '-t1',
      `-c${connections}`,
      `-d${durationS}s`,
      '--latency',
      '--timeout',
      '10s',
      '-s',
      script,
      base,
    ])
    return parseWrk(output)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Lua string literal: wrk's scripts are Lua, and tokens or bodies may hold any byte. */
const lua = (s: string) => `"${[...Buffer.from(s, 'utf8')].map((b) => `\\${b}`).join('')}"`

function luaScript(requests: WrkRequest[], pauseMs?: number): string {
  const specs = requests.map((r) => {
    const headers = Object.entries(r.headers ?? {})
      .map(([k, v]) => `[${lua(k)}] = ${lua(v)}`)
      .join(', ')
    return `  { ${lua(r.method)}, ${lua(r.path)}, { ${headers} }, ${r.body === undefined ? 'nil' : lua(r.body)} },`
  })
  return [
    'local specs = {',
    ...specs,
    '}',
    'local requests = {}',
    // Formatted in init, which wrk calls once it has set the Host header (HTTP/1.1 needs it).
    'init = function(args)',
    '  for i, s in ipairs(specs) do requests[i] = wrk.format(s[1], s[2], s[3], s[4]) end',
    'end',
    'local i = 0',
    'request = function()',
    '  i = i % #requests + 1',
    '  return requests[i]',
    'end',
    ...(pauseMs ? [`delay = function() return ${Math.round(pauseMs)} end`] : []),
    '',
  ].join('\n')
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      out += d
    })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}:\n${out}`))))
  })
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 }

/** Milliseconds from wrk's "1.23ms" / "850.00us" / "1.02s". */
function duration(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text)
  if (!match) throw new Error(`wrk printed a latency I cannot read: ${text}`)
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number)
}

export function parseWrk(output: string): WrkResult {
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output)
    if (!match) throw new Error(`wrk printed no ${p}% latency:\n${output}`)
    return duration(match[1] as string)
  }
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output)
  if (!rps) throw new Error(`wrk printed no Requests/sec:\n${output}`)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0)
  return { rps: Number(rps[1]), p50: percentile('50'), p99: percentile('99'), errors, non2xx }
}

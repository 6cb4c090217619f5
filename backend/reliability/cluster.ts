/**
 * A private PostgreSQL cluster (never the machine's own): can this process run initdb and
 * pg_ctl, and a cluster of its own to stop and start.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onExit } from '../testkit/exit-cleanup.js'
import { freePort } from '../testkit/free-port.js'

export type Tools = { binDir: string; runner: string[]; owner: { uid: number; gid: number } | undefined }
export type ClusterProbe = { ok: true; tools: Tools } | { ok: false; reason: string }

export function findBinDir(): string | undefined {
  const candidates: string[] = []
  if (process.env.PG_BIN_DIR) candidates.push(process.env.PG_BIN_DIR)
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: 'pipe' }).trim())
  } catch {
    // no pg_config
  }
  for (const version of ['17', '16', '15', '14']) candidates.push(`/usr/lib/postgresql/${version}/bin`)
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')))
}

/**
 * Can this process run initdb and pg_ctl? As root they refuse to run, so they run as the
 * `postgres` OS user through runuser. Checked by running `initdb --version` that way.
 */
export function probeCluster(): ClusterProbe {
  const binDir = findBinDir()
  if (!binDir) return { ok: false, reason: 'initdb/pg_ctl not found (set PG_BIN_DIR)' }
  let runner: string[] = []
  let owner: Tools['owner']
  if (process.getuid?.() === 0) {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: 'pipe' }).trim())
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: 'pipe' }).trim())
      owner = { uid, gid }
    } catch (err) {
      return { ok: false, reason: `running as root, and no postgres OS user for initdb (${(err as Error).message})` }
    }
    runner = ['runuser', '-u', 'postgres', '--']
  }
  const [cmd, ...args] = [...runner, join(binDir, 'initdb'), '--version']
  const probe = spawnSync(cmd as string, args, { encoding: 'utf8', timeout: 10_000 })
  if (probe.status !== 0) {
    return { ok: false, reason: `initdb is not runnable: ${probe.error?.message ?? probe.stderr.trim()}` }
  }
  return { ok: true, tools: { binDir, runner, owner } }
}

export type Cluster = {
  url: string
  port: number
  start(): Promise<void>
  stop(mode: 'fast' | 'immediate'): Promise<void>
  /** Stops it (immediate) and deletes its directory. */
  destroy(): Promise<void>
}

/** initdb + pg_ctl start on a free port, listening on 127.0.0.1 and a socket in its own directory. */
export async function createCluster(tools: Tools): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'taskwell-pgcluster-'))
  const dataDir = join(dir, 'data')
  const logFile = join(dir, 'postgres.log')
  if (tools.owner) chownSync(dir, tools.owner.uid, tools.owner.gid)
  const argv = (bin: string, ...args: string[]) => [...tools.runner, join(tools.binDir, bin), ...args]
  const run = (args: string[], timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const [cmd, ...rest] = args
      execFile(cmd as string, rest, { timeout: timeoutMs }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`${args.join(' ')} failed: ${stderr || err.message}`))
        else resolve()
      })
    })
  const stopSync = () => {
    const [cmd, ...rest] = argv('pg_ctl', '-D', dataDir, '-m', 'immediate', '-w', 'stop')
    spawnSync(cmd as string, rest, { stdio: 'ignore', timeout: 30_000 })
    rmSync(dir, { recursive: true, force: true })
  }
  const unregister = onExit(stopSync)
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`
  try {
    await run(argv('initdb', '-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'))
    const start = () => run(argv('pg_ctl', '-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start'))
    await start()
    let destroyed = false
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      start,
      stop: (mode) => run(argv('pg_ctl', '-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop')),
      destroy: async () => {
        if (destroyed) return
        destroyed = true
        await run(argv('pg_ctl', '-D', dataDir, '-m', 'immediate', '-w', 'stop')).catch(() => {})
        rmSync(dir, { recursive: true, force: true })
        unregister()
      },
    }
  } catch (err) {
    stopSync()
    unregister()
    throw err
  }
}

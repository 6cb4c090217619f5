/**
 * Throw-away places to keep data: a fresh database beside an admin URL, or a temporary
 * PGlite directory; admin queries; whether a database is reachable.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { onExit } from './exit-cleanup.js'

export type Target = { url: string | undefined; dataDir: string; drop(): Promise<void> }

/**
 * A fresh, empty place to keep data: a new database beside `adminUrl` (PostgreSQL), or a
 * temporary directory for PGlite. `drop` removes it.
 */
export async function freshTarget(
  adminUrl: string | undefined,
  label: string,
  options: { shareOnFailure?: boolean } = {},
): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), `taskwell-${label}-`))
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true })
  const unregisterDir = onExit(removeDir)
  if (!adminUrl) {
    return {
      url: undefined,
      dataDir,
      drop: async () => {
        removeDir()
        unregisterDir()
      },
    }
  }
  const name = `taskwell_${label.replace(/\W/g, '_')}_${randomBytes(5).toString('hex')}`
  try {
    await adminQuery(adminUrl, `create database ${name}`)
  } catch (err) {
    if (!options.shareOnFailure) throw err
    // No CREATEDB right (a test database): share it; every user of it makes fresh users anyway.
    process.emitWarning(`${label}: ${(err as Error).message}; using ${new URL(adminUrl).pathname} itself`)
    return {
      url: adminUrl,
      dataDir,
      drop: async () => {
        removeDir()
        unregisterDir()
      },
    }
  }
  // psql, if present, can drop it synchronously on an abrupt exit.
  const unregisterDb = onExit(() => dropDatabaseNow(adminUrl, name))
  return {
    url: beside(adminUrl, name),
    dataDir,
    drop: async () => {
      removeDir()
      unregisterDir()
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`)
      unregisterDb()
    },
  }
}

/** The URL of the database `name` on the server of `url`. */
export function beside(url: string, name: string): string {
  const other = new URL(url)
  other.pathname = `/${name}`
  return other.toString()
}

/** Drops the database `name` before returning (psql, if present), for exit hooks, which cannot wait. */
export function dropDatabaseNow(adminUrl: string, name: string): void {
  spawnSync('psql', [adminUrl, '-qc', `drop database if exists "${name}" with (force)`], { stdio: 'ignore' })
}

export async function adminQuery(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    return await client.query(text)
  } finally {
    await client.end()
  }
}

/** Resolves to undefined when `url` answers, else to the reason it does not. */
export async function unreachable(url: string): Promise<string | undefined> {
  try {
    await adminQuery(url, 'select 1')
    return undefined
  } catch (err) {
    return `PostgreSQL at ${new URL(url).host} is not reachable: ${(err as Error).message}`
  }
}

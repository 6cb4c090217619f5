/**
 * A migrated, empty PGlite database as a tarball, made once per set of migrations and kept in
 * the system's temporary directory. A fresh in-memory PGlite runs initdb, about 3 s on this
 * machine; one loaded from this copy is ready in about 0.5 s, and every test file opens one.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDb } from '../src/db/client.js'
import { MIGRATIONS_DIR, migrate } from '../src/db/migrate.js'

/** Names the migrations (and the PGlite build) a snapshot was made with, so a stale one is never used. */
function snapshotKey(): string {
  const hash = createHash('sha256')
  hash.update(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)))
  for (const file of readdirSync(MIGRATIONS_DIR, { recursive: true }).map(String).sort()) {
    if (file.endsWith('.sql') || file.endsWith('.json'))
      hash.update(file).update(readFileSync(join(MIGRATIONS_DIR, file)))
  }
  return hash.digest('hex').slice(0, 16)
}

export async function migratedPgliteSnapshot(): Promise<Blob> {
  const path = join(tmpdir(), `taskwell-pglite-${snapshotKey()}.tar`)
  if (existsSync(path)) return new Blob([readFileSync(path)])
  const database = await openDb({})
  try {
    await migrate(database)
    const dump = await (database.pglite as NonNullable<typeof database.pglite>).dumpDataDir('none')
    // Written whole under another name first, so a reader never sees half a file.
    const partial = `${path}.${process.pid}.partial`
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()))
    renameSync(partial, path)
    return dump
  } finally {
    await database.close()
  }
}

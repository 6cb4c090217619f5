/**
 * `npm test` in the backend: every test file (or the files named), two at a time, each in its
 * own process. With TEST_DATABASE_URL set, the run first makes a migrated template beside that
 * database, and each file works on a copy of its own (support/database-per-file.ts): files that
 * run side by side then share no counters, blocks or feeds through the database. Without the
 * right to create databases, the files share TEST_DATABASE_URL's database one at a time, as
 * each makes fresh users.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { openDb } from '../src/db/client.js'
import { migrate } from '../src/db/migrate.js'
import { adminQuery, beside, dropDatabaseNow } from '../testkit/databases.js'
import { onExit } from '../testkit/exit-cleanup.js'

const BACKEND = resolve(import.meta.dirname, '..')

/**
 * Files running at once. The suite spends most of its time waiting (timers, pauses, other
 * processes' start-up): one at a time kept about one core of two busy.
 */
const CONCURRENCY = 2

function allTestFiles(): string[] {
  return ['src', 'test']
    .flatMap((dir) => readdirSync(join(BACKEND, dir), { recursive: true }).map((f) => join(dir, String(f))))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
}

/** Makes `<database>_files` from nothing and migrates it; undefined when databases cannot be created. */
async function makeTemplate(url: string): Promise<string | undefined> {
  const template = `${decodeURIComponent(new URL(url).pathname.slice(1))}_files`
  try {
    // Copies a killed run left behind, and its template.
    // starts_with, not LIKE: in a pattern the names' underscores would match any character.
    const { rows } = await adminQuery(url, `select datname from pg_database where starts_with(datname, '${template}')`)
    for (const { datname } of rows as { datname: string }[])
      await adminQuery(url, `drop database if exists "${datname}" with (force)`)
    await adminQuery(url, `create database "${template}"`)
  } catch (err) {
    console.warn(`# one database per test file is off: ${(err as Error).message}`)
    return undefined
  }
  onExit(() => dropDatabaseNow(url, template))
  const database = await openDb({ url: beside(url, template) })
  try {
    await migrate(database)
  } finally {
    // A template is copied only while nobody is connected to it.
    await database.close()
  }
  return template
}

const named = process.argv.slice(2)
const files = named.length > 0 ? named : allTestFiles()
const shared = process.env.TEST_DATABASE_URL
const template = shared ? await makeTemplate(shared) : undefined
const concurrency = shared && !template ? 1 : CONCURRENCY

const run = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--import',
    './test/support/database-per-file.ts',
    '--test',
    `--test-concurrency=${concurrency}`,
    ...files,
  ],
  {
    cwd: BACKEND,
    stdio: 'inherit',
    env: { ...process.env, ...(template ? { TEST_DATABASE_TEMPLATE: template } : {}) },
  },
)
process.exitCode = run.status ?? 1

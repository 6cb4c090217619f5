/**
 * A real restore on PostgreSQL (decision 025): `pg_dump` after one write, two more writes and a
 * page cached at the newest version, `pg_restore --clean` of the dump into the same database, then
 * two writes again. The user's version went back and climbed again; the page cached before the
 * restore, built from tasks the restore took away, is never served. Skipped without
 * TEST_DATABASE_URL (it creates a database beside it) or Debian's pg_dump.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { sql } from 'drizzle-orm'
import { openDb } from '../../src/db/client.js'
import { migrate } from '../../src/db/migrate.js'
import { createListCache } from '../../src/tasks/list-cache.js'
import { freshTarget } from '../../testkit/databases.js'

const adminUrl = process.env.TEST_DATABASE_URL
const hasPgDump = spawnSync('pg_dump', ['--version']).status === 0
const skip = !adminUrl ? 'needs TEST_DATABASE_URL' : !hasPgDump ? 'needs pg_dump and pg_restore' : false

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  assert.equal(result.status, 0, `${command} failed: ${result.stderr}`)
}

describe('the task-list cache across a pg_dump restore', { skip }, () => {
  it('never serves a page cached before the restore once the version climbs back', async () => {
    const target = await freshTarget(adminUrl, 'restore')
    const url = target.url as string
    const database = await openDb({ url })
    try {
      await migrate(database)
      const { db } = database
      const cache = createListCache(db, 1_000_000)
      await db.execute(sql`insert into "user" (id, name, email) values ('ann', 'Ann', 'ann@example.com')`)
      const write = (title: string) =>
        db.execute(
          sql`insert into task (id, user_id, title, created_at, updated_at) values (${randomUUID()}, 'ann', ${title}, now(), now())`,
        )
      await write('in the backup')
      const dump = join(target.dataDir, 'backup.dump')
      run('pg_dump', ['--format=custom', `--file=${dump}`, url])

      await write('lost by the restore 1')
      await write('lost by the restore 2')
      const cachedAt = await cache.version('ann')
      cache.set('ann', cachedAt, 'page', 'the list with the tasks the restore takes away')

      run('pg_restore', ['--clean', '--if-exists', '--single-transaction', `--dbname=${url}`, dump])
      assert.ok((await cache.version('ann')) < cachedAt, 'the restore set the version back')

      await write('after the restore 1')
      await write('after the restore 2')
      const now = await cache.version('ann')
      assert.notEqual(now, cachedAt, 'the version climbed back to where the page was cached')
      assert.equal(cache.get('ann', now, 'page'), undefined, 'the page from before the restore is not served')
    } finally {
      await database.close()
      await target.drop()
    }
  })
})

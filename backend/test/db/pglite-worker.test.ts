/**
 * The server's embedded database runs PGlite on a worker thread (db/pglite-worker/): its SQL
 * must not hold the API's event loop, and to the app it must be the same database as PGlite
 * in-process: transactions whole, errors with their SQLSTATE, data kept across a restart.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import { type Database, openDb } from '../../src/db/client.js'
import { migrate } from '../../src/db/migrate.js'
import { user } from '../../src/db/schema.js'
import { closeDatabases, startTestApp } from '../support/harness.js'

after(closeDatabases)

const aUser = (id = randomUUID()) => ({ id, name: 'Worker', email: `${id}@example.com` })

describe('PGlite on a worker thread', () => {
  let database: Database

  before(async () => {
    database = await openDb({ pgliteInWorker: true })
    await migrate(database)
  })
  after(() => database.close())

  it('runs a slow statement while the event loop goes on (in-process PGlite holds it)', async () => {
    let timerFired = false
    const timer = setTimeout(() => {
      timerFired = true
    }, 50)
    await database.db.execute(sql`select pg_sleep(1)`)
    clearTimeout(timer)
    assert.equal(timerFired, true, 'a 50 ms timer did not fire during a 1 s statement')
  })

  it('keeps a transaction whole: a failure rolls it back, and statements outside wait for its end', async () => {
    const kept = aUser()
    const rolledBack = aUser()
    let seenDuring: number | undefined
    await assert.rejects(
      database.db.transaction(async (tx) => {
        await tx.insert(user).values(rolledBack)
        // Issued outside the transaction while it is open: answered after it ends, so it never
        // sees the uncommitted row.
        void database.db
          .select()
          .from(user)
          .where(eq(user.id, rolledBack.id))
          .then((rows) => {
            seenDuring = rows.length
          })
        throw new Error('changed my mind')
      }),
      /changed my mind/,
    )
    await database.db.transaction(async (tx) => {
      await tx.insert(user).values(kept)
    })
    const ids = await database.db
      .select({ id: user.id })
      .from(user)
      .where(sql`${user.id} in (${kept.id}, ${rolledBack.id})`)
    assert.deepEqual(
      ids.map((row) => row.id),
      [kept.id],
    )
    assert.equal(seenDuring, 0)
  })

  it('reports database errors with their SQLSTATE and constraint, as the app maps them', async () => {
    const first = aUser()
    await database.db.insert(user).values(first)
    const err = await database.db
      .insert(user)
      .values({ ...aUser(), email: first.email })
      .then(
        () => undefined,
        (e: unknown) => e as Error & { cause?: { code?: string; constraint?: string } },
      )
    assert.ok(err, 'a duplicate email was stored')
    assert.equal(err.cause?.code, '23505')
    assert.equal(err.cause?.constraint, 'user_email_unique')
  })

  it('serves the app: sign-up, a task, the list, a duplicate sign-up refused (409)', async () => {
    const t = await startTestApp('pglite', {}, { database })
    try {
      const ann = await t.signup()
      const created = await t.post(`/api/${ann.user.id}/tasks`, { title: 'off the event loop' }, { token: ann.token })
      assert.equal(created.status, 201)
      const list = await t.get(`/api/${ann.user.id}/tasks`, ann.token)
      const body = (await list.json()) as { items: { title: string }[] }
      assert.deepEqual(
        body.items.map((task) => task.title),
        ['off the event loop'],
      )
      const again = await t.post('/api/auth/signup', { email: ann.user.email, password: 'another sturdy passphrase' })
      assert.equal(again.status, 409)
    } finally {
      await t.close()
    }
  })
})

describe('PGlite on a worker thread, in a directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'taskwell-pglite-worker-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps what was written across close and reopen', async () => {
    const kept = aUser()
    const first = await openDb({ pgliteInWorker: true, dataDir: dir })
    await migrate(first)
    await first.db.insert(user).values(kept)
    await first.close()

    const reopened = await openDb({ pgliteInWorker: true, dataDir: dir })
    try {
      const rows = await reopened.db.select({ email: user.email }).from(user).where(eq(user.id, kept.id))
      assert.deepEqual(rows, [{ email: kept.email }])
    } finally {
      await reopened.close()
    }
  })
})

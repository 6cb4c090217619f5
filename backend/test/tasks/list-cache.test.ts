/**
 * The task-list cache (decision 010) never serves a stale list: a write acknowledged by one
 * instance is in every list any instance serves afterwards — also writes made outside the
 * API — and the cache really is in use (the version is all that keeps it fresh).
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { desc, eq, sql } from 'drizzle-orm'
import { type Database, openDb } from '../../src/db/client.js'
import { task as taskTable } from '../../src/db/schema.js'
import { toTaskJson } from '../../src/tasks/queries.js'
import type { TaskJson } from '../../src/tasks/schemas.js'
import { THROUGH_BALANCER } from '../support/balancer.js'
import {
  answerOfEachInstance,
  describeWithApp,
  type SignedIn,
  startTestApp,
  type TestApp,
  testDatabase,
} from '../support/harness.js'

type Page = { items: TaskJson[]; next_cursor: string | null }

// Two instances with caches of their own (a, then b); on PostgreSQL each has its own pool too.
// Through the balancer a and b both reach the pair behind it, and `lists` reads from each instance.
describeWithApp('task-list cache', {}, (a, driver) => {
  let b: TestApp
  let bDatabase: Database | undefined
  let ann: SignedIn
  before(async () => {
    // Through the balancer a and b are the same pair of processes, each with a pool of its own.
    if (driver === 'pg' && !THROUGH_BALANCER) bDatabase = await openDb({ url: process.env.TEST_DATABASE_URL })
    // Same PUBLIC_URL: one issuer and audience, so each accepts the other's tokens.
    b = await startTestApp(driver, { PUBLIC_URL: a.config.publicUrl }, bDatabase ? { database: bDatabase } : {})
    ann = await a.signup()
  })
  after(async () => {
    await b?.close()
    await bDatabase?.close()
  })

  const pageOf = async (res: Response) => {
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
    return (await res.json()) as Page
  }
  const list = async (app: TestApp, who = ann, query = 'limit=100') =>
    pageOf(await app.get(`/api/${who.user.id}/tasks?${query}`, who.token))
  /** The list as each instance behind `app` serves it: one page, or through the balancer one per instance. */
  const lists = async (app: TestApp, who = ann, query = 'limit=100') =>
    Promise.all(
      (await answerOfEachInstance(() => app.get(`/api/${who.user.id}/tasks?${query}`, who.token))).map(pageOf),
    )
  /** The user's tasks as stored right now, newest first: what a list must show. */
  const stored = async (who = ann) => {
    const db = (await testDatabase(driver)).db
    const rows = await db
      .select()
      .from(taskTable)
      .where(eq(taskTable.userId, who.user.id))
      .orderBy(desc(taskTable.createdAt), desc(taskTable.id))
    return rows.map(toTaskJson)
  }
  const send = (app: TestApp, method: string, path: string, body?: unknown) =>
    app.fetch(`/api/${ann.user.id}/tasks${path}`, {
      method,
      headers: { authorization: `Bearer ${ann.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })

  it('a list read on another instance right after any write shows that write', async () => {
    let n = 0
    const writes: (() => Promise<Response>)[] = [
      () => send(a, 'POST', '', { title: `created ${n}` }),
      async () => send(a, 'PUT', `/${(await stored())[0]?.id}`, { title: `replaced ${n}`, priority: 'high' }),
      async () => send(a, 'PATCH', `/${(await stored())[0]?.id}`, { tags: [`t${n}`] }),
      async () => send(a, 'PATCH', `/${(await stored())[0]?.id}/complete`),
      async () => send(a, 'DELETE', `/${(await stored()).at(-1)?.id}`),
    ]
    await send(a, 'POST', '', { title: 'first' })
    for (n = 0; n < 40; n++) {
      await lists(b) // b holds the page now
      await lists(b, ann, 'limit=100&sort=title&order=asc')
      const res = await writes[n % writes.length]?.()
      assert.ok(res && res.status < 300, `write ${n} failed: ${res?.status}`)
      const expected = await stored()
      for (const page of await lists(b)) assert.deepEqual(page.items, expected, `after write ${n}`)
      for (const page of await lists(b, ann, 'limit=100&sort=title&order=asc')) {
        assert.deepEqual(
          page.items.map((t) => t.id).sort(),
          expected.map((t) => t.id).sort(),
          `after write ${n}, another cached page`,
        )
      }
    }
  })

  it('every list started after a create was acknowledged includes it, while creates keep coming', async () => {
    const cat = await a.signup()
    const acknowledged: { id: string; at: number }[] = []
    let writing = true
    const writer = (async () => {
      for (let i = 0; i < 60; i++) {
        const res = await a.post(`/api/${cat.user.id}/tasks`, { title: `flow ${i}` }, { token: cat.token })
        assert.equal(res.status, 201)
        acknowledged.push({ id: ((await res.json()) as TaskJson).id, at: performance.now() })
      }
      writing = false
    })()
    let reads = 0
    while (writing) {
      const startedAt = performance.now()
      const due = acknowledged.filter((w) => w.at < startedAt).map((w) => w.id)
      const seen = new Set((await list(b, cat)).items.map((t) => t.id))
      for (const id of due) assert.ok(seen.has(id), `task ${id} was acknowledged before the read began`)
      reads++
    }
    await writer
    assert.ok(reads > 5, `only ${reads} reads overlapped the writes`)
  })

  it('serves pages from memory, kept fresh only by the version the database bumps', async () => {
    const dee = await a.signup()
    const created = await a.post(`/api/${dee.user.id}/tasks`, { title: 'before' }, { token: dee.token })
    const { id } = (await created.json()) as TaskJson
    for (const page of await lists(b, dee)) assert.equal(page.items[0]?.title, 'before')

    // A change with the version trigger switched off is invisible: the page comes from memory.
    await withoutTriggers(async (run) => {
      await run(sql`update task set title = 'behind the cache' where id = ${id}`)
    })
    for (const page of await lists(b, dee)) assert.equal(page.items[0]?.title, 'before', 'the cached page was served')

    // The same change made normally — here by hand, outside the API — is seen at once.
    const db = (await testDatabase(driver)).db
    await db.execute(sql`update task set title = 'by hand' where id = ${id}`)
    for (const page of await lists(b, dee)) assert.equal(page.items[0]?.title, 'by hand')
    await db.execute(sql`delete from task where id = ${id}`)
    for (const page of await lists(b, dee)) assert.deepEqual(page.items, [])
  })

  it("deleting a user empties their list through the cascade, and nobody else's page changes", async () => {
    const eve = await a.signup()
    const fay = await a.signup()
    for (const who of [eve, fay]) {
      await a.post(`/api/${who.user.id}/tasks`, { title: 'mine' }, { token: who.token })
    }
    const fayBefore = await list(b, fay)
    for (const page of await lists(b, fay)) assert.deepEqual(page, fayBefore)
    for (const page of await lists(b, eve)) assert.equal(page.items.length, 1)
    // By hand, so no session ends and eve's access token still verifies: only the cascade
    // and its version bumps tell the cache.
    const db = (await testDatabase(driver)).db
    await db.execute(sql`delete from "user" where id = ${eve.user.id}`)
    for (const page of await lists(b, eve)) assert.deepEqual(page.items, [])
    for (const page of await lists(b, fay)) assert.deepEqual(page, fayBefore)
  })

  it('a restore that sets the version back never brings back a page cached before it', async () => {
    const gus = await a.signup()
    const create = async (title: string) =>
      assert.equal((await a.post(`/api/${gus.user.id}/tasks`, { title }, { token: gus.token })).status, 201)
    await create('in the backup')
    // The backup: gus's tasks and version as they are now.
    const db = (await testDatabase(driver)).db
    const result = (await db.execute(
      sql`select (select coalesce(jsonb_agg(t), '[]'::jsonb) from task t where t.user_id = ${gus.user.id}) as tasks,
        (select version from task_list_version where user_id = ${gus.user.id})::text as version`,
    )) as unknown as { rows: { tasks: unknown; version: string }[] }
    const backup = result.rows[0]
    assert.ok(backup)
    // Written after the backup, and cached by b at the newest version.
    await create('lost by the restore 1')
    await create('lost by the restore 2')
    for (const page of await lists(b, gus)) assert.equal(page.items.length, 3)

    // The restore, as pg_restore loads data (its triggers do not fire): gus's tasks and version as
    // in the backup. b is not asked in between, so only the version can tell it.
    await withoutTriggers(async (run) => {
      await run(sql`delete from task where user_id = ${gus.user.id}`)
      await run(
        sql`insert into task select * from jsonb_populate_recordset(null::task, ${JSON.stringify(backup.tasks)}::jsonb)`,
      )
      await run(sql`update task_list_version set version = ${backup.version}::bigint where user_id = ${gus.user.id}`)
    })
    // As many writes as the restore took away: a counter would be back at b's page's version.
    await create('after the restore 1')
    await create('after the restore 2')
    const expected = await stored(gus)
    assert.deepEqual(
      expected.map((t) => t.title),
      ['after the restore 2', 'after the restore 1', 'in the backup'],
    )
    for (const page of await lists(b, gus)) assert.deepEqual(page.items, expected)
  })

  /** Runs statements on one connection whose triggers are off (superuser only). */
  async function withoutTriggers(work: (run: (q: ReturnType<typeof sql>) => Promise<unknown>) => Promise<void>) {
    const database = await testDatabase(driver)
    if (database.pglite) {
      const pglite = database.pglite
      await pglite.exec('set session_replication_role = replica')
      try {
        await work((q) => database.db.execute(q))
      } finally {
        await pglite.exec('reset session_replication_role')
      }
      return
    }
    const client = await (database.pool as NonNullable<Database['pool']>).connect()
    try {
      await client.query('set session_replication_role = replica')
      const { drizzle } = await import('drizzle-orm/node-postgres')
      const tx = drizzle({ client })
      await work((q) => tx.execute(q))
    } finally {
      await client.query('reset session_replication_role')
      client.release()
    }
  }
})

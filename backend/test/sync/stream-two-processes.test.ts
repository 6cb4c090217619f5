/**
 * Live sync across two real server processes on one PostgreSQL (API.md "Live sync"): a write on
 * one reaches the streams on the other within a second (announced by the API, decision 030), so
 * does an operator's SQL (announced by the database), an id from one resumes on the other, a
 * sign-out on one ends the other's stream of that session, and SIGTERM closes a process's
 * streams without an event while the other instance goes on.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { freePort } from '../../testkit/free-port.js'
import { type ServerProcess, startServerAndWait, terminate } from '../../testkit/server-process.js'
import { NEEDS_PG, PG_URL, signIn, signOut } from '../revocation/support.js'
import { closeDatabases, STRONG_PASSWORD, TEST_ENV, uniqueEmail } from '../support/harness.js'
import { assertEndsWithin, openSse, parseData, type SseEvent, streamUrl } from './sse-reader.js'

after(closeDatabases)

/** API.md: within 1 s of the write's response, on every instance. */
const DELIVERY_MS = 1_000

describe('live sync across two server processes (PostgreSQL)', { skip: NEEDS_PG }, () => {
  let a: ServerProcess
  let b: ServerProcess
  let dataDir: string

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'taskwell-sync-'))
    const [portA, portB] = [await freePort(), await freePort()]
    const env = {
      // The tests' generous limits: every request comes from 127.0.0.1, and the database's
      // counters are shared with the file's other tests (and with every file when run alone on
      // TEST_DATABASE_URL, without npm test's database per file).
      ...TEST_ENV,
      DATABASE_URL: PG_URL as string,
      // Both name A's origin: tokens carry it as iss and aud, so each verifies the other's.
      PUBLIC_URL: `http://localhost:${portA}`,
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
    }
    // Two processes compile and migrate at once on a busy 2-core machine: give them time.
    const wait = { path: '/healthz', timeoutMs: 90_000, pollMs: 100 }
    ;[a, b] = await Promise.all([
      startServerAndWait({ name: 'A', env, port: portA, wait }),
      startServerAndWait({ name: 'B', env, port: portB, wait }),
    ])
  })

  after(async () => {
    await Promise.all([a, b].map((s) => s && terminate(s, 5_000)))
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function signUp() {
    const email = uniqueEmail('sync')
    const res = await fetch(`${a.base}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: STRONG_PASSWORD }),
    })
    assert.equal(res.status, 201, await res.clone().text())
    return { email, userId: ((await res.json()) as { user: { id: string } }).user.id }
  }

  async function createTask(base: string, userId: string, token: string, title: string): Promise<number> {
    const res = await fetch(`${base}/api/${userId}/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    })
    assert.equal(res.status, 201, await res.clone().text())
    return performance.now()
  }

  const titleOf = (event: SseEvent) => parseData<{ task: { title: string } }>(event).task.title

  it("delivers a write on A to B's stream within a second, and resumes on B after an id A gave", async () => {
    const { email, userId } = await signUp()
    const s = await signIn(a.base, email)
    const auth = { authorization: `Bearer ${s.token}` }
    const onA = await openSse(streamUrl(a.base, userId), { headers: auth })
    const onB = await openSse(streamUrl(b.base, userId), { headers: auth })
    try {
      await Promise.all([onA.next(), onB.next()])
      const answeredAt = await createTask(a.base, userId, s.token, 'Written on A')
      const heard = await onB.next(DELIVERY_MS + 500)
      assert.equal(heard.event, 'task.created')
      assert.equal(titleOf(heard), 'Written on A')
      assert.ok(heard.at - answeredAt <= DELIVERY_MS, `B heard it ${Math.round(heard.at - answeredAt)} ms later`)
      const onAEvent = await onA.next()
      assert.equal(onAEvent.id, heard.id, 'one sequence per user, whichever instance writes it down')

      onB.close()
      await createTask(a.base, userId, s.token, 'Missed by B')
      const resumed = await openSse(streamUrl(b.base, userId), {
        headers: { ...auth, 'last-event-id': heard.id ?? '' },
      })
      try {
        const ready = await resumed.next()
        assert.equal(ready.id, heard.id, 'ready carries the id it resumes after')
        const replayed = await resumed.next()
        assert.equal(replayed.event, 'task.created')
        assert.equal(titleOf(replayed), 'Missed by B')
      } finally {
        resumed.close()
      }
    } finally {
      onA.close()
      onB.close()
    }
  })

  it("delivers an operator's SQL (no API in between) to both instances' streams within a second", async () => {
    const { email, userId } = await signUp()
    const s = await signIn(a.base, email)
    const auth = { authorization: `Bearer ${s.token}` }
    const streams = [
      await openSse(streamUrl(a.base, userId), { headers: auth }),
      await openSse(streamUrl(b.base, userId), { headers: auth }),
    ]
    const operator = new pg.Client({ connectionString: PG_URL })
    await operator.connect()
    try {
      await Promise.all(streams.map((stream) => stream.next()))
      await operator.query(
        `insert into task (id, user_id, title, created_at, updated_at) values (gen_random_uuid()::text, $1, 'By hand', now(), now())`,
        [userId],
      )
      const committedAt = performance.now()
      for (const stream of streams) {
        const heard = await stream.next(DELIVERY_MS + 500)
        assert.equal(titleOf(heard), 'By hand')
        assert.ok(heard.at - committedAt <= DELIVERY_MS, `heard ${Math.round(heard.at - committedAt)} ms later`)
      }
    } finally {
      await operator.end()
      for (const stream of streams) stream.close()
    }
  })

  it("ends B's stream of a session signed out on A with session.revoked within a second", async () => {
    const { email, userId } = await signUp()
    const s = await signIn(a.base, email)
    const onB = await openSse(streamUrl(b.base, userId), { headers: { authorization: `Bearer ${s.session_token}` } })
    try {
      const ready = await onB.next()
      const out = await signOut(a.base, { authorization: `Bearer ${s.session_token}` })
      const signedOutAt = performance.now()
      assert.equal(out.status, 204)
      const endedAt = await assertEndsWithin(onB, DELIVERY_MS + 500, "B's stream")
      assert.ok(endedAt - signedOutAt <= DELIVERY_MS, `ended ${Math.round(endedAt - signedOutAt)} ms after sign-out`)
      const last = onB.events().at(-1)
      assert.equal(last?.event, 'session.revoked')
      assert.deepEqual(parseData(last), { reason: 'signed_out' })
      assert.equal(last.id, ready.id)
    } finally {
      onB.close()
    }
  })

  it('closes its streams without an event on SIGTERM; the other instance goes on delivering', async () => {
    const { email, userId } = await signUp()
    const s = await signIn(a.base, email)
    const auth = { authorization: `Bearer ${s.token}` }
    const onA = await openSse(streamUrl(a.base, userId), { headers: auth })
    const onB = await openSse(streamUrl(b.base, userId), { headers: auth })
    try {
      await Promise.all([onA.next(), onB.next()])
      b.child.kill('SIGTERM')
      await assertEndsWithin(onB, 2_000, "B's stream at SIGTERM")
      assert.deepEqual(
        onB.events().map((e) => e.event),
        ['ready'],
        'no event: clients resume elsewhere',
      )
      const exit = await terminate(b, 10_000)
      assert.equal(exit.code, 0, b.output())
      await createTask(a.base, userId, s.token, 'After B stopped')
      assert.equal((await onA.next(DELIVERY_MS + 500)).event, 'task.created')
    } finally {
      onA.close()
      onB.close()
    }
  })
})

/**
 * Concurrency over HTTP on a real server and database: many requests at once for the same
 * user, email or task must each get a proper answer (never a 5xx), and what is stored
 * afterwards must be what some serial order of those requests would have left:
 * - parallel creates all land, exactly once each;
 * - parallel sign-ups with one email (seed route, Better Auth's route, or both) make one
 *   account: one success, every other attempt a 4xx conflict, never a 500;
 * - parallel toggles of one task behave like the same toggles one after another;
 * - parallel PUT/PATCH leave the task as one of the writers left it;
 * - parallel deletes delete once.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import { account as accountTable, task as taskTable, user as userTable } from '../src/db/schema.js'
import type { TaskJson } from '../src/tasks/schemas.js'
import {
  closeDatabases,
  drivers,
  problem,
  type SignedIn,
  STRONG_PASSWORD,
  startTestApp,
  type TestApp,
} from './support/harness.js'

after(closeDatabases)

type Task = TaskJson
type Page = { items: Task[]; next_cursor: string | null }

const CREATES = 200
const SIGNUP_RACERS = 10
const TOGGLES = 21 // odd, so the end state differs from the start
const WRITERS = 30
const DELETERS = 10

/** A response body we have read, with its status and media type. */
type Answer = { status: number; type: string; text: string }

async function answer(res: Response): Promise<Answer> {
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}

function describeAnswers(answers: Answer[]): string {
  return answers.map((a) => `${a.status} ${a.text.slice(0, 200)}`).join('\n')
}

/** Every answer is below 500; refusals are problem documents with the status in the body. */
function assertNo5xx(answers: Answer[], what: string) {
  for (const a of answers) {
    assert.ok(a.status < 500, `${what}: got a ${a.status}:\n${describeAnswers(answers)}`)
    if (a.status >= 400) {
      assert.match(a.type, /^application\/problem\+json/, `${what}: ${a.status} is a problem document`)
      const body = JSON.parse(a.text) as { status?: unknown; title?: unknown }
      assert.equal(body.status, a.status, `${what}: problem status`)
      assert.equal(typeof body.title, 'string', `${what}: problem title`)
    }
  }
}

function count(answers: Answer[], status: number): number {
  return answers.filter((a) => a.status === status).length
}

/** A signed-in user's task API (bearer access token). */
function tasksOf(t: TestApp, who: SignedIn) {
  const base = `/api/${who.user.id}/tasks`
  const send = (method: string, path: string, json?: unknown) =>
    t.fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${who.token}`,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    })
  return {
    base,
    send,
    async create(input: Record<string, unknown>): Promise<Task> {
      const res = await send('POST', '', input)
      assert.equal(res.status, 201, `create: ${res.status} ${await res.clone().text()}`)
      return (await res.json()) as Task
    },
    async read(id: string): Promise<Task> {
      const res = await send('GET', `/${id}`)
      assert.equal(res.status, 200, `read: ${res.status} ${await res.clone().text()}`)
      return (await res.json()) as Task
    },
    /** Every task, following next_cursor page by page. */
    async all(limit = 100): Promise<Task[]> {
      const items: Task[] = []
      let cursor: string | null = null
      for (let pages = 0; pages < 1000; pages++) {
        const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) })
        const res = await send('GET', `?${query}`)
        assert.equal(res.status, 200, `list: ${res.status} ${await res.clone().text()}`)
        const page = (await res.json()) as Page
        items.push(...page.items)
        cursor = page.next_cursor
        if (!cursor) return items
      }
      throw new Error('pagination did not end')
    },
  }
}

for (const driver of drivers()) {
  describe(`concurrency on ${driver}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver)
    })
    after(() => t?.close())

    const db = () => t.services.database.db

    async function usersWithEmail(email: string) {
      return db()
        .select({ id: userTable.id, email: userTable.email })
        .from(userTable)
        .where(eq(sql`lower(${userTable.email})`, email.toLowerCase()))
    }

    async function accountsOf(userId: string) {
      return db().select({ id: accountTable.id }).from(accountTable).where(eq(accountTable.userId, userId))
    }

    async function signin(email: string, password: string) {
      return t.post('/api/auth/signin', { email, password })
    }

    it(`${CREATES} parallel creates for one user all get 201 and each lands exactly once`, async () => {
      const ann = await t.signup()
      const api = tasksOf(t, ann)
      const titles = Array.from({ length: CREATES }, (_, i) => `parallel ${i}`)
      const responses = await Promise.all(
        titles.map(async (title, i) => {
          const res = await api.send('POST', '', { title, priority: (['low', 'medium', 'high'] as const)[i % 3] })
          return { res, a: await answer(res) }
        }),
      )
      const answers = responses.map((r) => r.a)
      assertNo5xx(answers, 'parallel creates')
      assert.equal(count(answers, 201), CREATES, describeAnswers(answers.filter((a) => a.status !== 201)))

      const created = answers.map((a) => JSON.parse(a.text) as Task)
      const createdIds = new Set(created.map((task) => task.id))
      assert.equal(createdIds.size, CREATES, 'every create got its own id')
      assert.deepEqual(created.map((task) => task.title).sort(), [...titles].sort(), 'each answer is its own task')
      for (const [i, { res }] of responses.entries()) {
        assert.equal(res.headers.get('location'), `${api.base}/${created[i]?.id}`, 'Location names the new task')
      }

      const listed = await api.all()
      assert.equal(listed.length, CREATES, 'the list has every task, once')
      assert.deepEqual(new Set(listed.map((task) => task.id)), createdIds)
      // Two page sizes see the same set: no task skipped or repeated at page boundaries.
      const smallPages = await api.all(7)
      assert.deepEqual(
        smallPages.map((task) => task.id),
        listed.map((task) => task.id),
      )
      for (const task of listed) {
        const mine = created.find((c) => c.id === task.id)
        assert.deepEqual(task, mine, 'the stored task is the one the create answered with')
      }

      const [row] = await db()
        .select({ n: sql<number>`count(*)::int` })
        .from(taskTable)
        .where(eq(taskTable.userId, ann.user.id))
      assert.equal(row?.n, CREATES, 'the database holds exactly the created rows')
    })

    it(`${SIGNUP_RACERS} parallel sign-ups with one email: one 201, the rest 409, one account`, async () => {
      const email = `race-${randomUUID().slice(0, 8)}@example.com`
      // Different capitalisations are the same address (API.md: compared case-insensitively),
      // and a different password each, so we can tell whose account was kept.
      const attempts = Array.from({ length: SIGNUP_RACERS }, (_, i) => ({
        email: i % 2 === 0 ? email : email.toUpperCase(),
        password: `${STRONG_PASSWORD} ${i}`,
      }))
      const answers = await Promise.all(attempts.map(async (body) => answer(await t.post('/api/auth/signup', body))))
      assertNo5xx(answers, 'parallel sign-ups')
      assert.equal(count(answers, 201), 1, `exactly one sign-up wins:\n${describeAnswers(answers)}`)
      assert.equal(count(answers, 409), SIGNUP_RACERS - 1, `the others conflict:\n${describeAnswers(answers)}`)
      for (const a of answers.filter((x) => x.status === 409)) {
        assert.doesNotMatch(a.text, /duplicate|constraint|violates|unique/i, 'no database text in a 409')
      }

      const winner = answers.findIndex((a) => a.status === 201)
      const created = JSON.parse(answers[winner]?.text ?? '{}') as { user: { id: string; email: string } }
      assert.equal(created.user.email, email)
      const users = await usersWithEmail(email)
      assert.deepEqual(users, [{ id: created.user.id, email }], 'exactly one user row')
      assert.equal((await accountsOf(created.user.id)).length, 1, 'exactly one credential')

      // The stored password is the winner's, and only the winner's.
      const ok = await signin(email, attempts[winner]?.password ?? '')
      assert.equal(ok.status, 200, await ok.text())
      const loser = attempts.find((_, i) => i !== winner)
      assert.equal((await signin(email, loser?.password ?? '')).status, 401)
    })

    it("parallel sign-ups through Better Auth's sign-up/email make one account and no 5xx", async () => {
      const email = `ba-race-${randomUUID().slice(0, 8)}@example.com`
      const headers = { origin: t.config.publicUrl }
      const passwords = Array.from({ length: SIGNUP_RACERS }, (_, i) => `${STRONG_PASSWORD} ${i}`)
      const answers = await Promise.all(
        passwords.map(async (password) =>
          answer(await t.post('/api/auth/sign-up/email', { email, password, name: 'Racer' }, { headers })),
        ),
      )
      assertNo5xx(answers, 'parallel sign-up/email')
      assert.equal(count(answers, 200), 1, `exactly one sign-up wins:\n${describeAnswers(answers)}`)
      // The losers get the answer a late duplicate gets, whether they lost the race early
      // (the address was already taken) or at the insert (the unique constraint).
      const late = await answer(
        await t.post('/api/auth/sign-up/email', { email, password: STRONG_PASSWORD, name: 'Late' }, { headers }),
      )
      assert.ok(late.status >= 400 && late.status < 500, `a late duplicate is refused: ${late.status} ${late.text}`)
      const lateBody = JSON.parse(late.text) as { status: number; code?: string }
      for (const a of answers.filter((x) => x.status !== 200)) {
        assert.equal(a.status, late.status, `a racing duplicate is answered like a late one: ${a.text}`)
        assert.equal((JSON.parse(a.text) as { code?: string }).code, lateBody.code, a.text)
        assert.doesNotMatch(a.text, /duplicate|constraint|violates|unique/i, 'no database text')
      }

      const winner = answers.findIndex((a) => a.status === 200)
      const created = JSON.parse(answers[winner]?.text ?? '{}') as { user: { id: string } }
      const users = await usersWithEmail(email)
      assert.deepEqual(
        users.map((u) => u.id),
        [created.user.id],
        'exactly one user row',
      )
      assert.equal((await accountsOf(created.user.id)).length, 1, 'exactly one credential')
      assert.equal((await signin(email, passwords[winner] ?? '')).status, 200)
    })

    it('parallel sign-ups through both routes with one email make one account', async () => {
      const email = `mixed-race-${randomUUID().slice(0, 8)}@example.com`
      const answers = await Promise.all(
        Array.from({ length: SIGNUP_RACERS }, async (_, i) => {
          const password = `${STRONG_PASSWORD} ${i}`
          const res =
            i % 2 === 0
              ? await t.post('/api/auth/signup', { email, password })
              : await t.post(
                  '/api/auth/sign-up/email',
                  { email, password, name: 'Racer' },
                  { headers: { origin: t.config.publicUrl } },
                )
          return { seed: i % 2 === 0, ...(await answer(res)) }
        }),
      )
      assertNo5xx(answers, 'mixed sign-ups')
      const wins = answers.filter((a) => a.status === 200 || a.status === 201)
      assert.equal(wins.length, 1, `exactly one sign-up wins:\n${describeAnswers(answers)}`)
      // Every refusal on the seed route is API.md's 409, whichever route won.
      for (const a of answers.filter((x) => x.seed && x.status !== 201)) {
        assert.equal(a.status, 409, `a seed sign-up that lost is a 409: ${a.text}`)
      }
      assert.equal((await usersWithEmail(email)).length, 1, 'exactly one user row')
    })

    it(`${TOGGLES} parallel toggles of one task end as ${TOGGLES} toggles in a row would`, async () => {
      const ann = await t.signup()
      const api = tasksOf(t, ann)
      const task = await api.create({ title: 'Flip me' })
      const answers = await Promise.all(
        Array.from({ length: TOGGLES }, async () => answer(await api.send('PATCH', `/${task.id}/complete`))),
      )
      assertNo5xx(answers, 'parallel toggles')
      assert.equal(count(answers, 200), TOGGLES, describeAnswers(answers))
      const states = answers.map((a) => JSON.parse(a.text) as Task)
      // Each toggle is atomic, so the answers alternate: half (rounded up) say completed.
      assert.equal(states.filter((s) => s.completed).length, Math.ceil(TOGGLES / 2))
      for (const s of states) {
        assert.equal(s.completed_at !== null, s.completed, 'completed_at is set iff completed')
      }

      const final = await api.read(task.id)
      assert.equal(final.completed, TOGGLES % 2 === 1)
      assert.equal(final.completed_at !== null, final.completed, 'completed_at is set iff completed')
      assert.equal(final.title, 'Flip me', 'toggling touches nothing else')
      assert.ok(final.updated_at >= task.updated_at)
    })

    it('parallel explicit completions agree on one completion time', async () => {
      const api = tasksOf(t, await t.signup())
      const task = await api.create({ title: 'Done once' })
      const answers = await Promise.all(
        Array.from({ length: TOGGLES }, async () =>
          answer(await api.send('PATCH', `/${task.id}/complete`, { completed: true })),
        ),
      )
      assertNo5xx(answers, 'parallel completions')
      assert.equal(count(answers, 200), TOGGLES, describeAnswers(answers))
      const final = await api.read(task.id)
      assert.equal(final.completed, true)
      // Completing a completed task keeps its completion time, so all answers name the first one.
      const times = new Set(answers.map((a) => (JSON.parse(a.text) as Task).completed_at))
      assert.deepEqual(times, new Set([final.completed_at]))
    })

    it(`${WRITERS} parallel PUT and PATCH on one task: no 5xx, and the task is one writer's version`, async () => {
      const ann = await t.signup()
      const api = tasksOf(t, ann)
      const task = await api.create({ title: 'Contested', tags: ['start'] })
      const priorities = ['low', 'medium', 'high'] as const
      // Every write names a distinct title, so the final task says which write it came from.
      const writes = Array.from({ length: WRITERS }, (_, i) => {
        const full = {
          title: `version ${i}`,
          description: `written by writer ${i}`,
          priority: priorities[i % 3],
          tags: [`w${i}`, 'shared'],
          due_at: new Date(Date.UTC(2030, 0, 1 + i)).toISOString(),
        }
        // PUT replaces everything; PATCH changes some fields, sometimes all of them.
        if (i % 3 === 0) return { method: 'PUT', body: full }
        if (i % 3 === 1) return { method: 'PATCH', body: full }
        return { method: 'PATCH', body: { title: full.title, tags: full.tags } }
      })
      const answers = await Promise.all(
        writes.map(async ({ method, body }) => answer(await api.send(method, `/${task.id}`, body))),
      )
      assertNo5xx(answers, 'parallel writes')
      assert.equal(count(answers, 200), WRITERS, describeAnswers(answers))
      const written = answers.map((a) => JSON.parse(a.text) as Task)
      for (const [i, w] of written.entries()) {
        // Each answer shows its own write applied in full (no field from a half-done other write).
        for (const [key, value] of Object.entries(writes[i]?.body ?? {})) {
          assert.deepEqual(w[key as keyof Task], value, `write ${i}: ${key}`)
        }
      }

      const final = await api.read(task.id)
      const source = written.find((w) => w.title === final.title)
      assert.ok(source, `the final title ${final.title} is one of the written ones`)
      // The last writer's answer is exactly the state it left behind.
      assert.deepEqual(final, source, 'the task equals the version one writer wrote')
      assert.equal(final.id, task.id)
      assert.equal(final.created_at, task.created_at)
      assert.equal(final.completed, false)
      const listed = await api.all()
      assert.deepEqual(listed, [final], 'still exactly one task')
    })

    it(`${DELETERS} parallel deletes of one task: one 204, the rest 404`, async () => {
      const api = tasksOf(t, await t.signup())
      const task = await api.create({ title: 'Delete me' })
      const keep = await api.create({ title: 'Keep me' })
      const answers = await Promise.all(
        Array.from({ length: DELETERS }, async () => answer(await api.send('DELETE', `/${task.id}`))),
      )
      assertNo5xx(answers, 'parallel deletes')
      assert.equal(count(answers, 204), 1, describeAnswers(answers))
      assert.equal(count(answers, 404), DELETERS - 1, describeAnswers(answers))
      const gone = await api.send('GET', `/${task.id}`)
      assert.equal(gone.status, 404)
      assert.equal((await problem(gone)).status, 404)
      assert.deepEqual(
        (await api.all()).map((x) => x.id),
        [keep.id],
      )
    })

    it('parallel writes racing a delete: each is a 200 or 404, and the task ends deleted', async () => {
      const api = tasksOf(t, await t.signup())
      const task = await api.create({ title: 'Doomed' })
      const requests = [
        ...Array.from({ length: 10 }, (_, i) => () => api.send('PATCH', `/${task.id}`, { title: `edit ${i}` })),
        ...Array.from({ length: 5 }, () => () => api.send('PATCH', `/${task.id}/complete`)),
        () => api.send('DELETE', `/${task.id}`),
        ...Array.from({ length: 10 }, (_, i) => () => api.send('PUT', `/${task.id}`, { title: `replace ${i}` })),
      ]
      const answers = await Promise.all(requests.map(async (send) => answer(await send())))
      assertNo5xx(answers, 'writes racing a delete')
      for (const a of answers) assert.ok([200, 204, 404].includes(a.status), `${a.status} ${a.text}`)
      assert.equal(count(answers, 204), 1)
      assert.equal((await api.send('GET', `/${task.id}`)).status, 404)
      assert.deepEqual(await api.all(), [], 'no write brought the task back')
    })
  })
}

/**
 * What a stream carries (API.md "Live sync": Events, Resuming): every change of the caller's tasks,
 * to the writer's own stream too, within a second, in commit order, never another user's; and a
 * stream resumed with Last-Event-ID or ?last_event_id= (the header wins) replays exactly what it
 * missed, once.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { createTaskOk, fetchTaskClient } from '../../testkit/task-client.js'
import { describeWithApp, type SignedIn, type TestApp } from '../support/harness.js'
import { openSse, parseData, type SseEvent, type SseStream, streamUrl } from './sse-reader.js'

/** API.md: each event reaches every open stream of the user within 1 s of the write's response. */
const DELIVERY_MS = 1_000

type TaskJson = { id: string; title: string; completed: boolean; updated_at: string }

describeWithApp('live-sync events', {}, (t) => {
  const open = (s: SignedIn, headers: Record<string, string> = {}, query = '') =>
    openSse(streamUrl(t.url, s.user.id, query), { headers: { authorization: `Bearer ${s.token}`, ...headers } })
  const tasks = (s: SignedIn) => fetchTaskClient(t.url, { userId: s.user.id, token: s.token })

  /** The next event, which must be `name` and arrive within a second of `since`. */
  async function expectEvent(stream: SseStream, name: string, since: number): Promise<SseEvent> {
    const event = await stream.next(3_000)
    assert.equal(event.event, name, `expected ${name}, got ${event.event} ${event.data}`)
    assert.ok(event.at - since < DELIVERY_MS, `${name} came ${Math.round(event.at - since)} ms after the response`)
    assert.equal(event.dataLines, 1)
    return event
  }

  it("sends the writer's own stream task.created, task.updated and task.deleted with GET's shape, in order, within a second", async () => {
    const ann = await t.signup()
    const stream = await open(ann)
    try {
      const ready = await stream.next()
      const client = tasks(ann)

      const created = await createTaskOk<TaskJson>(client, { title: 'Buy milk', priority: 'high' })
      const c = await expectEvent(stream, 'task.created', performance.now())
      assert.deepEqual(parseData(c), { task: created })

      const patched = await client.update(created.id, { title: 'Buy oat milk' })
      assert.equal(patched.status, 200)
      const afterPatch = (await patched.json()) as TaskJson
      const u = await expectEvent(stream, 'task.updated', performance.now())
      assert.deepEqual(parseData(u), { task: afterPatch })

      const completed = await client.complete(created.id)
      assert.equal(completed.status, 200)
      const afterComplete = (await completed.json()) as TaskJson
      const done = await expectEvent(stream, 'task.updated', performance.now())
      assert.deepEqual(parseData(done), { task: afterComplete }, 'completion sends the task as GET returns it')

      const replaced = await client.replace(created.id, { title: 'Replaced' })
      assert.equal(replaced.status, 200)
      const r = await expectEvent(stream, 'task.updated', performance.now())
      assert.deepEqual(parseData(r), { task: await replaced.json() })

      assert.equal((await client.delete(created.id)).status, 204)
      const d = await expectEvent(stream, 'task.deleted', performance.now())
      assert.deepEqual(parseData(d), { id: created.id })

      const ids = [ready, c, u, done, r, d].map((e) => e.id)
      assert.equal(new Set(ids).size, ids.length, `each id is new: ${ids.join(' ')}`)
    } finally {
      stream.close()
    }
  })

  it("reaches each of the user's streams, and nothing of one user reaches another's", async () => {
    const [ann, bob] = [await t.signup(), await t.signup()]
    const ann1 = await open(ann)
    const ann2 = await open(ann, {}, '')
    const bobs = await open(bob)
    try {
      for (const s of [ann1, ann2, bobs]) assert.equal((await s.next()).event, 'ready')
      const created = await createTaskOk<TaskJson>(tasks(ann), { title: 'Ann only' })
      const since = performance.now()
      for (const s of [ann1, ann2]) {
        const e = await expectEvent(s, 'task.created', since)
        assert.equal(parseData<{ task: TaskJson }>(e).task.id, created.id)
      }
      const bobTask = await createTaskOk<TaskJson>(tasks(bob), { title: 'Bob only' })
      const b = await expectEvent(bobs, 'task.created', performance.now())
      assert.equal(parseData<{ task: TaskJson }>(b).task.id, bobTask.id, "Bob's first event is his own task")
      await new Promise((r) => setTimeout(r, 300))
      assert.equal(ann1.events().length, 2, "nothing of Bob's reached Ann")
    } finally {
      for (const s of [ann1, ann2, bobs]) s.close()
    }
  })

  it('sends nothing for a failed write', async () => {
    const ann = await t.signup()
    const stream = await open(ann)
    try {
      await stream.next()
      const client = tasks(ann)
      assert.equal((await client.create({ title: '' })).status, 422)
      assert.equal((await client.update('no-such-task', { title: 'x' })).status, 404)
      const ok = await createTaskOk<TaskJson>(client, { title: 'After the failures' })
      const e = await expectEvent(stream, 'task.created', performance.now())
      assert.equal(parseData<{ task: TaskJson }>(e).task.id, ok.id, 'the first event is the write that succeeded')
    } finally {
      stream.close()
    }
  })

  describe_resume(t)
})

/** Resuming, in a function of its own so the test list above stays readable. */
function describe_resume(t: TestApp) {
  const open = (s: SignedIn, headers: Record<string, string> = {}, query = '') =>
    openSse(streamUrl(t.url, s.user.id, query), { headers: { authorization: `Bearer ${s.token}`, ...headers } })
  const client = (s: SignedIn) => fetchTaskClient(t.url, { userId: s.user.id, token: s.token })

  /** A stream that saw `ready` and one event, then left; three more writes while it was away. */
  async function missedThree(ann: SignedIn) {
    const first = await open(ann)
    await first.next()
    await createTaskOk(client(ann), { title: 'seen' })
    const seen = await first.next()
    first.close()
    const missed: string[] = []
    for (const title of ['missed 1', 'missed 2', 'missed 3']) {
      missed.push((await createTaskOk<TaskJson>(client(ann), { title })).id)
    }
    return { lastSeenId: seen.id as string, missed }
  }

  const titlesOf = (events: SseEvent[]) =>
    events.filter((e) => e.event === 'task.created').map((e) => parseData<{ task: TaskJson }>(e).task.title)

  it('resumes after Last-Event-ID: ready carries that id, the missed events follow once, oldest first, then live ones', async () => {
    const ann = await t.signup()
    const { lastSeenId } = await missedThree(ann)
    const stream = await open(ann, { 'last-event-id': lastSeenId })
    try {
      const ready = await stream.next()
      assert.equal(ready.event, 'ready')
      assert.equal(ready.id, lastSeenId, 'ready carries the id resumed from')
      const replayed = [await stream.next(), await stream.next(), await stream.next()]
      assert.deepEqual(titlesOf(replayed), ['missed 1', 'missed 2', 'missed 3'])
      await createTaskOk(client(ann), { title: 'live' })
      const live = await stream.next(2_000)
      assert.deepEqual(titlesOf([live]), ['live'])
      await new Promise((r) => setTimeout(r, 300))
      assert.equal(stream.events().length, 5, 'no event twice')
    } finally {
      stream.close()
    }
  })

  it('resumes after ?last_event_id= the same way, and the header wins over it', async () => {
    const ann = await t.signup()
    const { lastSeenId } = await missedThree(ann)
    const byQuery = await open(ann, {}, `?last_event_id=${encodeURIComponent(lastSeenId)}`)
    try {
      const ready = await byQuery.next()
      assert.equal(ready.id, lastSeenId)
      assert.deepEqual(titlesOf([await byQuery.next(), await byQuery.next(), await byQuery.next()]), [
        'missed 1',
        'missed 2',
        'missed 3',
      ])
    } finally {
      byQuery.close()
    }
    // The query names a position long gone (malformed here); the header's is good and wins.
    const both = await open(ann, { 'last-event-id': lastSeenId }, '?last_event_id=not-a-position')
    try {
      const ready = await both.next()
      assert.equal(ready.id, lastSeenId, 'the header wins')
      assert.equal((await both.next()).event, 'task.created', 'replay, not resync')
    } finally {
      both.close()
    }
  })

  it('answers an id it cannot resume from (malformed, another user’s) with ready at the newest position, then resync, never a 4xx', async () => {
    const [ann, bob] = [await t.signup(), await t.signup()]
    const { lastSeenId: bobsId } = await missedThree(bob)
    await createTaskOk(client(ann), { title: 'Ann has one' })
    for (const [what, id] of [
      ['malformed', 'definitely not an id'],
      ["Bob's", bobsId],
    ]) {
      const stream = await open(ann, { 'last-event-id': id as string })
      try {
        const ready = await stream.next()
        assert.equal(ready.event, 'ready', what)
        const resync = await stream.next()
        assert.equal(resync.event, 'resync', what)
        assert.equal(parseData<{ reason: string }>(resync).reason, 'unknown_position', what)
        await new Promise((r) => setTimeout(r, 200))
        assert.equal(stream.events().length, 2, `${what}: nothing of Bob's replayed`)
      } finally {
        stream.close()
      }
    }
  })
}

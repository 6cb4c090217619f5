/**
 * The slots of live-sync streams (API.md "Live sync": limits): SYNC_MAX_STREAMS_PER_USER per
 * user on each instance (429) and SYNC_MAX_STREAMS in all (503), both with Retry-After, counted
 * after authentication; a closed stream frees its slot within a second.
 */
import assert from 'node:assert/strict'
import { beforeEach, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithApp, type SignedIn } from '../support/harness.js'
import { openSse, type SseStream, streamUrl } from './sse-reader.js'

/** API.md: "a closed stream frees its slot within 1 s". */
const FREED_MS = 1_000

describeWithApp('live-sync stream slots', { SYNC_MAX_STREAMS_PER_USER: '2', SYNC_MAX_STREAMS: '3' }, (t) => {
  const open: SseStream[] = []
  const attempt = (s: SignedIn) =>
    openSse(streamUrl(t.url, s.user.id), { headers: { authorization: `Bearer ${s.token}` }, expectOk: false })
  async function stream(s: SignedIn): Promise<SseStream> {
    const opened = await attempt(s)
    assert.equal(opened.response.status, 200, `a stream for ${s.user.email}`)
    await opened.next()
    open.push(opened)
    return opened
  }

  /** Each test starts with every slot free: the streams of the one before are closed. */
  beforeEach(async () => {
    for (const s of open.splice(0)) s.close()
    const deadline = Date.now() + FREED_MS
    while (t.services.streams.size() > 0 && Date.now() < deadline) await sleep(20)
    assert.equal(t.services.streams.size(), 0, 'the last test left streams open')
  })

  it("refuses a user's stream beyond SYNC_MAX_STREAMS_PER_USER with 429 and Retry-After, counting only that user", async () => {
    const ann = await t.signup()
    const bob = await t.signup()
    await stream(ann)
    await stream(ann)
    const refused = await attempt(ann)
    await assertProblem(refused.response, 429)
    assert.ok(Number(refused.response.headers.get('retry-after')) > 0, 'Retry-After in seconds')
    await stream(bob) // another user still gets one
  })

  it('refuses any stream beyond SYNC_MAX_STREAMS on the instance with 503 and Retry-After', async () => {
    const [ann, bob, cy] = [await t.signup(), await t.signup(), await t.signup()]
    await stream(ann)
    await stream(ann)
    await stream(bob)
    const refused = await attempt(cy)
    await assertProblem(refused.response, 503)
    assert.ok(Number(refused.response.headers.get('retry-after')) > 0, 'Retry-After in seconds')
  })

  it('counts after authentication: a refused request takes no slot, and a full instance still answers 401 first', async () => {
    const ann = await t.signup()
    const bob = await t.signup()
    const anonymous = await openSse(streamUrl(t.url, ann.user.id), { expectOk: false })
    assert.equal(anonymous.response.status, 401)
    const foreign = await openSse(streamUrl(t.url, bob.user.id), {
      headers: { authorization: `Bearer ${ann.token}` },
      expectOk: false,
    })
    assert.equal(foreign.response.status, 403)
    assert.equal(t.services.streams.size(), 0, 'refused requests hold no slot')
    await stream(ann)
    await stream(ann)
    await stream(bob)
    const stranger = await openSse(streamUrl(t.url, ann.user.id), { expectOk: false })
    assert.equal(stranger.response.status, 401, 'no credential: 401, whatever the slots')
  })

  it('frees the slot of a stream its client closed within a second', async () => {
    const ann = await t.signup()
    const first = await stream(ann)
    await stream(ann)
    first.close()
    const closedAt = performance.now()
    for (;;) {
      const again = await attempt(ann)
      if (again.response.status === 200) {
        open.push(again)
        break
      }
      assert.equal(again.response.status, 429)
      await again.response.body?.cancel()
      const waited = performance.now() - closedAt
      assert.ok(waited < FREED_MS, `the slot was still taken ${Math.round(waited)} ms after the client left`)
      await sleep(50)
    }
  })
})

/** The in-memory per-user rate limit: a minute's allowance at once, then a steady trickle. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLocalRateLimit } from './local-rate.js'

function clock() {
  let time = 1_000_000
  return { now: () => time, advance: (ms: number) => (time += ms) }
}

describe('local rate limit', () => {
  it('allows a whole minute’s worth at once, then refuses with the seconds until the next', () => {
    const { now } = clock()
    const limit = createLocalRateLimit({ perMinute: 6, now })
    for (let i = 0; i < 6; i++) assert.deepEqual(limit.take('ann'), { ok: true }, `take ${i + 1}`)
    // 6 a minute is one every 10 s.
    assert.deepEqual(limit.take('ann'), { ok: false, retryAfterSeconds: 10 })
  })

  it('gives tokens back at the per-minute rate, never more than a minute’s worth', () => {
    const { now, advance } = clock()
    const limit = createLocalRateLimit({ perMinute: 6, now })
    for (let i = 0; i < 6; i++) limit.take('ann')
    advance(9_000)
    const early = limit.take('ann')
    assert.equal(early.ok, false)
    assert.equal(early.ok === false && early.retryAfterSeconds, 1)
    advance(1_000)
    assert.equal(limit.take('ann').ok, true)
    assert.equal(limit.take('ann').ok, false)
    advance(3_600_000) // an hour idle refills to 6, not 360
    for (let i = 0; i < 6; i++) assert.equal(limit.take('ann').ok, true)
    assert.equal(limit.take('ann').ok, false)
  })

  it('counts each key on its own', () => {
    const { now } = clock()
    const limit = createLocalRateLimit({ perMinute: 1, now })
    assert.equal(limit.take('ann').ok, true)
    assert.equal(limit.take('ann').ok, false)
    assert.equal(limit.take('bob').ok, true)
  })

  it('keeps at most maxKeys buckets, forgetting the least recently used (which would have refilled)', () => {
    const { now } = clock()
    const limit = createLocalRateLimit({ perMinute: 1, maxKeys: 2, now })
    limit.take('ann')
    limit.take('bob')
    limit.take('ann') // refused, and now the most recent
    limit.take('cat') // bob is dropped
    assert.equal(limit.take('ann').ok, false, 'ann is still counted')
    assert.equal(limit.take('bob').ok, true, 'bob starts afresh')
  })
})

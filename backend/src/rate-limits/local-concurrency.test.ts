/** Per-user concurrency: a few at once, a few more waiting in order, the rest refused at once. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConcurrencyRefused, createLocalConcurrency } from './local-concurrency.js'

/** Work that finishes when the test says so. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, work: async () => opened }
}
const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('local concurrency', () => {
  it('runs `running` at once per key, queues `waiting`, and refuses the next at once', async () => {
    const limit = createLocalConcurrency({ running: 2, waiting: 1 })
    const started: number[] = []
    const gates = [gate(), gate(), gate()]
    const runs = gates.map((g, i) =>
      limit.run('ann', async () => {
        started.push(i)
        await g.work()
        return i
      }),
    )
    await settle()
    assert.deepEqual(started, [0, 1], 'two run, the third waits')
    await assert.rejects(
      limit.run('ann', async () => 'never'),
      ConcurrencyRefused,
    )
    assert.equal(await limit.run('bob', async () => 'bob'), 'bob', 'another key is not held up')

    gates[0]?.open()
    await settle()
    assert.deepEqual(started, [0, 1, 2], 'the waiting one starts when a slot frees')
    gates[1]?.open()
    gates[2]?.open()
    assert.deepEqual(await Promise.all(runs), [0, 1, 2])
    assert.equal(limit.size(), 0, 'nothing is kept for idle keys')
  })

  it('frees the slot when the work fails', async () => {
    const limit = createLocalConcurrency({ running: 1, waiting: 0 })
    await assert.rejects(
      limit.run('ann', async () => {
        throw new Error('boom')
      }),
      /boom/,
    )
    assert.equal(await limit.run('ann', async () => 'next'), 'next')
  })

  it('drops a waiting request whose client left, without running it', async () => {
    const limit = createLocalConcurrency({ running: 1, waiting: 1 })
    const first = gate()
    const running = limit.run('ann', first.work)
    const left = new AbortController()
    let ran = false
    const waiting = limit.run(
      'ann',
      async () => {
        ran = true
      },
      left.signal,
    )
    left.abort()
    await assert.rejects(waiting, ConcurrencyRefused)
    // Its place in line is free again.
    const next = limit.run('ann', async () => 'next')
    first.open()
    await running
    assert.equal(await next, 'next')
    assert.equal(ran, false)
  })
})

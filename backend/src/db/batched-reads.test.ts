import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { batchedReads } from './batched-reads.js'

/** A store whose reads the test releases one by one, recording when each was sent and what it saw. */
function slowStore() {
  const values = new Map<string, number>()
  const sent: { keys: string[]; release: () => void }[] = []
  const readMany = (keys: string[]) =>
    new Promise<Map<string, number>>((resolve, reject) => {
      const seen = new Map(keys.filter((k) => values.has(k)).map((k) => [k, values.get(k) as number]))
      sent.push({ keys, release: () => (keys.includes('broken') ? reject(new Error('read failed')) : resolve(seen)) })
    })
  return { values, sent, readMany }
}

const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('batched reads', () => {
  it('asks once for every key requested in the same turn, and answers each with its own value', async () => {
    const store = slowStore()
    store.values.set('ann', 3)
    const read = batchedReads(store.readMany, 0)
    const answers = Promise.all([read('ann'), read('bob'), read('ann')])
    await turn()
    assert.deepEqual(
      store.sent.map((s) => s.keys),
      [['ann', 'bob']],
    )
    store.sent[0]?.release()
    assert.deepEqual(await answers, [3, 0, 3])
  })

  it('never answers a caller from a read sent before it asked: it waits for the next one', async () => {
    const store = slowStore()
    store.values.set('ann', 1)
    const read = batchedReads(store.readMany, 0)
    const early = read('ann')
    await turn()
    assert.equal(store.sent.length, 1, 'the first read is in flight')
    // A write is acknowledged while that read is in flight (it may have read before the write)...
    store.values.set('ann', 2)
    // ...so callers arriving now share the next read, sent only once the first one is answered.
    const late = [read('ann'), read('cy')]
    await turn()
    assert.equal(store.sent.length, 1, 'one read in flight at a time')
    store.sent[0]?.release()
    assert.equal(await early, 1)
    await turn()
    assert.deepEqual(store.sent[1]?.keys, ['ann', 'cy'])
    store.values.set('ann', 3)
    store.sent[1]?.release()
    assert.deepEqual(await Promise.all(late), [2, 0])
  })

  it('a failed read fails the callers that shared it, and the next callers get a new read', async () => {
    const store = slowStore()
    const read = batchedReads(store.readMany, 0)
    const failing = [read('broken'), read('ann')]
    await turn()
    store.sent[0]?.release()
    for (const answer of failing) await assert.rejects(answer, /read failed/)
    store.values.set('ann', 5)
    const next = read('ann')
    await turn()
    store.sent[1]?.release()
    assert.equal(await next, 5)
  })
})

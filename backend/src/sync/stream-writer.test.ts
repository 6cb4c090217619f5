import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createStreamWriter, type StreamEnd } from './stream-writer.js'

function writer(maxUnsentBytes = 1_000) {
  const ends: StreamEnd[] = []
  const w = createStreamWriter({ maxUnsentBytes, onEnd: (how) => ends.push(how) })
  return { w, ends }
}

const read = async (body: ReadableStream<Uint8Array>) =>
  new TextDecoder().decode(await new Response(body).arrayBuffer())

describe('the live-sync stream writer', () => {
  it('writes retry, events with one data line, and comments in the Server-Sent Events format', async () => {
    const { w, ends } = writer()
    w.retry(2000)
    w.event('task.created', '17', { task: { title: 'two\nlines' } })
    w.comment('ping')
    w.close()
    assert.equal(
      await read(w.body),
      'retry: 2000\n\nevent: task.created\nid: 17\ndata: {"task":{"title":"two\\nlines"}}\n\n: ping\n\n',
    )
    assert.deepEqual(ends, ['closed'])
  })

  it('cuts a client that stops reading once more than maxUnsentBytes wait, and writes nothing more', async () => {
    const { w, ends } = writer(1_000)
    for (let i = 0; i < 20 && !w.ended; i++) w.event('task.updated', String(i), { padding: 'x'.repeat(100) })
    assert.deepEqual(ends, ['overflow'])
    assert.equal(w.unsentBytes(), 0, 'what was queued is let go')
    w.event('task.updated', 'late', {}) // ignored, not thrown
    await assert.rejects(read(w.body), /stopped reading/)
  })

  it('never cuts a client that keeps reading, however much is written', async () => {
    const { w, ends } = writer(1_000)
    const reader = w.body.getReader()
    let received = 0
    for (let i = 0; i < 100; i++) {
      w.event('task.updated', String(i), { padding: 'x'.repeat(100) })
      const chunk = await reader.read()
      received += chunk.value?.byteLength ?? 0
    }
    assert.deepEqual(ends, [])
    assert.ok(received > 10_000, `${received} bytes read`)
    w.close()
    assert.deepEqual(ends, ['closed'])
  })

  it('says the client is gone when the response is cancelled, once', async () => {
    const { w, ends } = writer()
    await w.body.cancel()
    w.close()
    assert.deepEqual(ends, ['gone'])
    assert.equal(w.ended, true)
  })
})

import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { closeDatabases, startTestApp, type TestApp } from '../support/harness.js'

after(closeDatabases)

/** Sends `chunks` one by one, `gapMs` apart, and resolves with how long the server kept the socket. */
function dribble(port: number, chunks: string[], gapMs: number): Promise<{ closedAfterMs: number; received: string }> {
  return new Promise((resolve) => {
    const started = Date.now()
    const socket = connect(port, '127.0.0.1')
    let received = ''
    let i = 0
    const timer = setInterval(() => {
      if (i < chunks.length && !socket.destroyed) socket.write(chunks[i++] as string)
    }, gapMs)
    socket.on('data', (d) => {
      received += d.toString()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ closedAfterMs: Date.now() - started, received })
    })
  })
}

describe('resource bounds', () => {
  let t: TestApp
  let port: number
  before(async () => {
    t = await startTestApp('pglite')
    port = Number(new URL(t.url).port)
  })
  after(() => t.close())

  it('closes a slowloris connection that never finishes its headers', async () => {
    // One header line every 500 ms, forever (well, for 40 s): the headers timeout is 10 s.
    const lines = [
      'GET /healthz HTTP/1.1\r\nHost: localhost\r\n',
      ...Array.from({ length: 80 }, (_, n) => `X-Slow-${n}: y\r\n`),
    ]
    const { closedAfterMs, received } = await dribble(port, lines, 500)
    assert.ok(closedAfterMs < 13_000, `connection held for ${closedAfterMs} ms`)
    assert.match(received, /^HTTP\/1\.1 408|^$/, 'answered 408 or just closed')
  })

  it('refuses headers over 16 KiB with 431 and stays up', async () => {
    const res = await fetch(`${t.url}/healthz`, { headers: { 'x-big': 'a'.repeat(20_000) } })
    assert.equal(res.status, 431)
    assert.equal((await fetch(`${t.url}/healthz`)).status, 200)
  })

  it('refuses a URL longer than the header limit with 431', async () => {
    const res = await fetch(`${t.url}/api/me?pad=${'a'.repeat(20_000)}`)
    assert.equal(res.status, 431)
  })
})

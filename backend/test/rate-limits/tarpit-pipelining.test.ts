/**
 * A client pipelining refused sign-ins on one connection cannot make the tarpit hold any
 * number of them at once.
 */

import assert from 'node:assert/strict'
import net from 'node:net'
import { it } from 'node:test'
import { assertUnauthorized } from '../../testkit/problem.js'
import { BEHIND_PROXY, FIFTEEN_MINUTES, WRONG_PASSWORD } from '../support/account.js'
import { freshIp } from '../support/clients.js'
import { expectLimited } from '../support/expectations.js'
import { describeWithApp, uniqueEmail } from '../support/harness.js'

type PipelineResult = {
  /** Everything the server sent, as latin1 text. */
  data: string
  /** Whether the server ended the connection (rather than the wait running out). */
  closedByServer: boolean
  elapsedMs: number
}

/**
 * Writes `raw` (many requests back to back) on one new connection to `port`, and collects the
 * answers until the server ends the connection or `waitMs` pass.
 */
function pipeline(port: number, raw: string, waitMs: number): Promise<PipelineResult> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    const started = performance.now()
    let data = ''
    let done = false
    const finish = (closedByServer: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ data, closedByServer, elapsedMs: performance.now() - started })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      data += chunk
    })
    socket.on('end', () => finish(true))
    socket.on('close', () => finish(true))
    socket.on('error', () => finish(true))
    socket.write(raw)
  })
}

/** The responses in `data`: status and (lower-cased) header block of each. */
function responses(data: string): { status: number; headers: string }[] {
  return data
    .split(/(?=HTTP\/1\.1 \d{3} )/)
    .filter((part) => part.startsWith('HTTP/1.1 '))
    .map((part) => ({
      status: Number(part.slice(9, 12)),
      headers: part.slice(0, Math.max(0, part.indexOf('\r\n\r\n'))).toLowerCase(),
    }))
}
const DELAY_MS = 500
const PIPELINED = 200
/** Refusals of one address that may wait in the tarpit at once (auth/limits.ts, decision 004). */
const MAX_PAUSED_PER_IP = 32

describeWithApp(
  'the sign-in tarpit against a pipelining client',
  {
    ...BEHIND_PROXY,
    SIGNIN_REFUSAL_DELAY_MS: String(DELAY_MS),
    RATE_LIMIT_SIGNIN_FAILURES_PER_IP: '1',
  },
  (t) => {
    it(`${PIPELINED} refused sign-ins pipelined on one connection: at most ${MAX_PAUSED_PER_IP} wait in the tarpit, then the server closes the connection`, async (ctx) => {
      const ip = freshIp()
      const headers = { 'x-forwarded-for': ip }
      const body = { email: uniqueEmail('tarpit'), password: WRONG_PASSWORD }
      await assertUnauthorized(await t.post('/api/auth/signin', body, { headers }), 'the one failure allowed')
      await expectLimited(await t.post('/api/auth/signin', body, { headers }), FIFTEEN_MINUTES, 'over the IP limit')

      const json = JSON.stringify(body)
      const request =
        'POST /api/auth/signin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `X-Forwarded-For: ${ip}\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`
      // Well before the keep-alive timeout (5 s): only a deliberate close ends the connection by then.
      const result = await pipeline(Number(new URL(t.url).port), request.repeat(PIPELINED), 6 * DELAY_MS)
      const answers = responses(result.data)
      const summary = `${answers.length} answers (${answers.map((a) => a.status).join(', ')}) in ${Math.round(result.elapsedMs)} ms`
      ctx.diagnostic(summary)
      assert.ok(result.closedByServer, `the server kept the connection open: ${summary}`)
      assert.ok(answers.length <= MAX_PAUSED_PER_IP + 1, `far fewer than ${PIPELINED} answers: ${summary}`)
      assert.ok(result.elapsedMs >= DELAY_MS, `the paused ones waited: ${summary}`)
      for (const answer of answers) assert.equal(answer.status, 429, summary)
      const last = answers.at(-1)
      if (last) assert.match(last.headers, /\r\nconnection: close(\r\n|$)/, `the last answer says Connection: close`)

      // Another client is not held up.
      const other = await t.post('/api/auth/signin', body, { headers: { 'x-forwarded-for': freshIp() } })
      await assertUnauthorized(other, 'a sign-in from another client')
    })
  },
)

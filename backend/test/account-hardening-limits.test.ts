/**
 * Review findings on limits and bounds, as the behaviour users rely on: one user cannot grow
 * the task-list cache past what it accounts for; a client pipelining refused sign-ins on one
 * connection cannot make the tarpit hold any number of them at once; failed sign-ins by others
 * do not lock a signed-in owner out of re-authenticating (while wrong current passwords stay
 * limited); and verification resends do not use up an address's password-reset quota.
 *
 * The limit counters live in the database, which outlives a test (and, on PostgreSQL, a run):
 * every test uses fresh accounts and its own client IPs.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import {
  BEHIND_PROXY,
  call,
  confirmReset,
  expectInvalid,
  expectLimited,
  expectStatus,
  expectUnauthorized,
  FIFTEEN_MINUTES,
  freshClient,
  freshIp,
  HOUR,
  me,
  NEW_PASSWORD,
  requestReset,
  resendVerification,
  resetToken,
  signIn,
  signUpAs,
  signUpWithMail,
  startAppWithMail,
  stopAppWithMail,
  verificationToken,
  WRONG_PASSWORD,
} from './support/account.js'
import { closeDatabases, drivers, type SignedIn, startTestApp, type TestApp, uniqueEmail } from './support/harness.js'
import type { MailCatcher } from './support/mail-catcher.js'

after(closeDatabases)

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

for (const driver of drivers()) {
  describe(`task-list cache bounds (${driver})`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver, { TASK_LIST_CACHE_MB: '1' })
    })
    after(() => t?.close())

    /** Ten distinct tags of 32 characters each (the most a task can have). */
    const TEN_TAGS = Array.from({ length: 10 }, (_, j) => `${j}${'€'.repeat(31)}`)
    /**
     * A valid list query of a few KB (the characters are percent-encoded three-byte ones),
     * different for each `i`: the longest `q` and the most tags there may be.
     */
    const longQuery = (i: number) => {
      const q = `${i}-${'€'.repeat(200)}`.slice(0, 200)
      return `q=${encodeURIComponent(q)}&${TEN_TAGS.map((tag) => `tag=${encodeURIComponent(tag)}`).join('&')}`
    }

    it('many list requests with distinct long queries: the cache accounts for the keys of the pages it holds, and stays within its budget', async () => {
      const s = await t.signup()
      const cache = t.services.listCache
      // What the list route hands the cache, to check afterwards which of it is still held.
      const stored: { key: string; body: string }[] = []
      const set = cache.set
      cache.set = (userId, version, key, body) => {
        if (userId === s.user.id) stored.push({ key, body })
        set.call(cache, userId, version, key, body)
      }
      const requests = 300
      let queryBytes = 0
      try {
        for (let i = 0; i < requests; i++) {
          const query = longQuery(i)
          queryBytes += query.length
          const res = await t.get(`/api/${s.user.id}/tasks?${query}`, s.token)
          await expectStatus(res, 200, `list request ${i + 1}`)
        }
      } finally {
        cache.set = set
      }
      assert.ok(queryBytes / requests > 3_000, `the queries average ${Math.round(queryBytes / requests)} bytes`)
      assert.equal(stored.length, requests, 'each distinct query was a page of its own for the cache')

      const version = await cache.version(s.user.id)
      const held = stored.filter((page) => cache.get(s.user.id, version, page.key) !== undefined)
      const keyChars = held.reduce((sum, page) => sum + page.key.length, 0)
      const bodyChars = held.reduce((sum, page) => sum + page.body.length, 0)
      assert.ok(
        cache.size() <= t.config.taskListCacheBytes,
        `accounted ${cache.size()} bytes, over the budget of ${t.config.taskListCacheBytes}`,
      )
      assert.ok(
        cache.size() >= keyChars + bodyChars,
        `the cache holds ${held.length} of this user's pages, whose keys alone are ${keyChars} characters ` +
          `(and bodies ${bodyChars}), but accounts for only ${cache.size()} bytes in all`,
      )
    })

    it(`a list request with more than 10 tags is 422 on tag; 10 are fine`, async () => {
      const s = await t.signup()
      const tags = (n: number) => Array.from({ length: n }, (_, j) => `tag=t${j}`).join('&')
      await expectStatus(await t.get(`/api/${s.user.id}/tasks?${tags(10)}`, s.token), 200, '10 tags')
      await expectInvalid(await t.get(`/api/${s.user.id}/tasks?${tags(11)}`, s.token), ['tag'], '11 tags')
      await expectInvalid(await t.get(`/api/${s.user.id}/tasks?${tags(300)}`, s.token), ['tag'], '300 tags')
    })
  })

  describe(`the sign-in tarpit against a pipelining client (${driver})`, () => {
    const DELAY_MS = 500
    const PIPELINED = 200
    /** Refusals of one address that may wait in the tarpit at once (auth/limits.ts, decision 004). */
    const MAX_PAUSED_PER_IP = 32
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver, {
        ...BEHIND_PROXY,
        SIGNIN_REFUSAL_DELAY_MS: String(DELAY_MS),
        RATE_LIMIT_SIGNIN_FAILURES_PER_IP: '1',
      })
    })
    after(() => t?.close())

    it(`${PIPELINED} refused sign-ins pipelined on one connection: at most ${MAX_PAUSED_PER_IP} wait in the tarpit, then the server closes the connection`, async (ctx) => {
      const ip = freshIp()
      const headers = { 'x-forwarded-for': ip }
      const body = { email: uniqueEmail('tarpit'), password: WRONG_PASSWORD }
      await expectUnauthorized(await t.post('/api/auth/signin', body, { headers }), 'the one failure allowed')
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
      await expectUnauthorized(other, 'a sign-in from another client')
    })
  })

  describe(`re-authentication and the sign-in lock-out (${driver})`, () => {
    const FAILURES_PER_ACCOUNT = 3
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver, {
        ...BEHIND_PROXY,
        RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: String(FAILURES_PER_ACCOUNT),
      })
    })
    after(() => t?.close())

    const changePassword = (s: SignedIn, current: string, client = freshClient()) =>
      call(t, 'PUT', '/api/me/password', {
        credential: { bearer: s.token },
        client,
        body: { current_password: current, new_password: NEW_PASSWORD },
      })

    it(`failed sign-ins for the account (${FAILURES_PER_ACCOUNT + 1} and more, from other clients) do not stop its signed-in owner changing the password with the right current one`, async () => {
      const s = await signUpAs(t, freshClient())
      for (let i = 1; i <= FAILURES_PER_ACCOUNT; i++)
        await expectUnauthorized(await signIn(t, s.user.email, WRONG_PASSWORD), `failed sign-in ${i}`)
      await expectLimited(await signIn(t, s.user.email, WRONG_PASSWORD), FIFTEEN_MINUTES, 'sign-in is locked')
      await expectLimited(await signIn(t, s.user.email, WRONG_PASSWORD), FIFTEEN_MINUTES, 'sign-in is still locked')

      await expectStatus(await changePassword(s, s.password), 204, 'the owner, with the right current password')
      assert.equal((await me(t, { bearer: s.token })).status, 200, "the owner's session stays")
    })

    it('failed sign-ins for the account do not stop its signed-in owner deleting it with the right password', async () => {
      const s = await signUpAs(t, freshClient())
      for (let i = 1; i <= FAILURES_PER_ACCOUNT; i++)
        await expectUnauthorized(await signIn(t, s.user.email, WRONG_PASSWORD), `failed sign-in ${i}`)
      await expectLimited(await signIn(t, s.user.email, WRONG_PASSWORD), FIFTEEN_MINUTES, 'sign-in is locked')

      const deleted = await call(t, 'DELETE', '/api/me', {
        credential: { bearer: s.token },
        client: freshClient(),
        body: { password: s.password },
      })
      await expectStatus(deleted, 204, 'the owner, with the right password')
      await expectUnauthorized(await me(t, { bearer: s.session_token }), 'the deleted account')
    })

    it(`wrong current passwords on PUT /api/me/password are still limited: after ${FAILURES_PER_ACCOUNT}, 429, even for the right one`, async () => {
      const s = await signUpAs(t, freshClient())
      for (let i = 1; i <= FAILURES_PER_ACCOUNT; i++) {
        await expectInvalid(await changePassword(s, WRONG_PASSWORD), ['current_password'], `wrong current ${i}`)
      }
      await expectLimited(await changePassword(s, WRONG_PASSWORD), FIFTEEN_MINUTES, 'a wrong one over the limit')
      await expectLimited(await changePassword(s, s.password), FIFTEEN_MINUTES, 'the right one over the limit')
      const withNew = await signIn(t, s.user.email, NEW_PASSWORD)
      assert.notEqual(withNew.status, 200, 'the refused change changed nothing')
      await withNew.body?.cancel()
    })
  })

  describe(`verification resends and the reset quota (${driver})`, () => {
    const PER_ADDRESS = 3
    let catcher: MailCatcher
    let t: TestApp
    before(
      async () =>
        ({ t, catcher } = await startAppWithMail(driver, { RATE_LIMIT_EMAIL_PER_ADDRESS: String(PER_ADDRESS) })),
    )
    after(() => stopAppWithMail({ t, catcher }))

    it(`after ${PER_ADDRESS} verification resends for an address, a password reset for it still gets 202 and a working link`, async () => {
      const { user: s } = await signUpWithMail(t, catcher) // the sign-up mail is not counted
      for (let i = 1; i <= PER_ADDRESS; i++) {
        await expectStatus(await resendVerification(t, s.user.email), 202, `resend ${i}`)
        await verificationToken(catcher, s.user.email)
      }
      await expectStatus(await requestReset(t, s.user.email), 202, 'a reset request after the resends')
      const token = await resetToken(catcher, s.user.email)
      await expectStatus(await confirmReset(t, token, NEW_PASSWORD), 204, 'the mailed reset link')
      // Resends themselves are still limited.
      await expectLimited(await resendVerification(t, s.user.email), HOUR, `resend ${PER_ADDRESS + 1}`)
    })
  })
}

/**
 * Review findings on the account lifecycle (decision 009), as the behaviour users rely on:
 * ending "all sessions" reaches every session however many there are; a password that was
 * just replaced yields no working session, however a sign-in with it is timed; an old reset
 * link cannot undo a newer reset or a password change; asking for a reset link answers
 * without waiting for the link to be made; and a taken address is 409 whether or not
 * verification is required.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Database } from '../src/db/client.js'
import {
  assertSession,
  type Client,
  type Credential,
  call,
  confirmReset,
  createTask,
  expectInvalid,
  expectProblem,
  expectStatus,
  expectUnauthorized,
  freshClient,
  mailedResetToken,
  me,
  NEW_PASSWORD,
  REVOCATION_DEADLINE_MS,
  requestReset,
  resetToken,
  signIn,
  signInAs,
  signUpAs,
  signUpWithMail,
  startAppWithMail,
  stopAppWithMail,
  verificationToken,
  verifyEmail,
} from './support/account.js'
import {
  closeDatabases,
  drivers,
  type SignedIn,
  STRONG_PASSWORD,
  type TestApp,
  uniqueEmail,
} from './support/harness.js'
import type { MailCatcher } from './support/mail-catcher.js'
import { withTimeout } from './support/timeout.js'

after(closeDatabases)

/**
 * Better Auth finds "all sessions of a user" 100 at a time by default: past that, a session is
 * deleted without its delete hook, so its access tokens were never revoked. This many other
 * sessions cross the line.
 */
const OTHER_SESSIONS = 105
/** Sign-ins at once while making those sessions (each costs an argon2 hash). */
const SIGNIN_CONCURRENCY = 4
/** Old-password sign-ins kept in flight around a password change or reset. */
const RACING_SIGNINS = 4
const RACE_TRIALS = 5
const ANOTHER_PASSWORD = 'someone else chose this 55'

/** Runs `work` on every item, `concurrency` at a time, keeping the order of the results. */
async function mapConcurrently<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return results
}

/** The task list as `credential` sees it: the route a leftover access token would be used on. */
const listTasks = (t: TestApp, s: SignedIn, credential: Credential) =>
  call(t, 'GET', `/api/${s.user.id}/tasks`, { credential })

/**
 * Whether `credential` is refused (401) by the task API by `deadlineMs` after `since`, polling.
 * (GET /api/me would refuse a deleted user's token because the user is gone, revoked or not;
 * the task API does not look the user up, so only a revocation refuses it.)
 */
async function refusedInTime(t: TestApp, s: SignedIn, credential: Credential, since: number, deadlineMs: number) {
  for (;;) {
    const res = await listTasks(t, s, credential)
    const text = await res.text()
    if (res.status === 401) return true
    assert.equal(res.status, 200, `unexpected ${res.status} while waiting for the revocation: ${text}`)
    if (performance.now() - since > deadlineMs) return false
    await sleep(50)
  }
}

/** The sessions among `sessions` whose access token (or session token) still works 1 s after `since`. */
async function survivors(t: TestApp, sessions: SignedIn[], since: number): Promise<string[]> {
  const left: string[] = []
  await mapConcurrently([...sessions.entries()], 16, async ([i, s]) => {
    if (!(await refusedInTime(t, s, { bearer: s.token }, since, REVOCATION_DEADLINE_MS)))
      left.push(`#${i + 1} (access token)`)
    if (!(await refusedInTime(t, s, { bearer: s.session_token }, since, REVOCATION_DEADLINE_MS)))
      left.push(`#${i + 1} (session token)`)
  })
  return left.sort((a, b) => Number.parseInt(a.slice(1), 10) - Number.parseInt(b.slice(1), 10))
}

/** Holds every INSERT into `table` until released: a database that is slow to store a row there. */
function holdInserts(database: Database, table: string) {
  type Queryable = { query: (...args: unknown[]) => Promise<unknown> }
  const target = (database.pglite ?? database.pool) as unknown as Queryable
  const original = target.query
  const pattern = new RegExp(`^\\s*insert\\s+into\\s+"?${table}"?[\\s(]`, 'i')
  let release = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  let reached = () => {}
  const reachedPromise = new Promise<void>((resolve) => {
    reached = resolve
  })
  target.query = async function heldQuery(this: unknown, ...args: unknown[]) {
    const [first] = args
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '')
    if (pattern.test(text)) {
      reached()
      await released
    }
    return original.apply(this, args)
  }
  return {
    /** Resolves once a held INSERT has been attempted. */
    reached: reachedPromise,
    release() {
      target.query = original
      release()
    },
  }
}

for (const driver of drivers()) {
  describe(`bulk revocation reaches every session (${driver})`, () => {
    let catcher: MailCatcher
    let t: TestApp
    before(async () => ({ t, catcher } = await startAppWithMail(driver)))
    after(() => stopAppWithMail({ t, catcher }))

    /** A user signed up as `first`, signed in `OTHER_SESSIONS` more times. */
    async function userWithManySessions(): Promise<{ first: SignedIn; others: SignedIn[] }> {
      const client = freshClient()
      const first = await signUpAs(t, client)
      await catcher.nextMessageTo(first.user.email)
      const others = await mapConcurrently(Array.from({ length: OTHER_SESSIONS }), SIGNIN_CONCURRENCY, () =>
        signInAs(t, client, first.user.email, first.password),
      )
      return { first, others }
    }

    async function assertAllRevoked(sessions: SignedIn[], since: number, what: string) {
      const left = await survivors(t, sessions, since)
      assert.deepEqual(
        left,
        [],
        `${what}: ${left.length} credential(s) of ${sessions.length} sessions still accepted ${REVOCATION_DEADLINE_MS} ms later: ${left.join(', ')}`,
      )
    }

    it(`revoke-others ends all ${OTHER_SESSIONS} other sessions: every access token refused within 1 s`, async () => {
      const { first, others } = await userWithManySessions()
      const res = await call(t, 'POST', '/api/me/sessions/revoke-others', { credential: { bearer: first.token } })
      assert.equal(res.status, 200, await res.clone().text())
      assert.deepEqual(await res.json(), { revoked: OTHER_SESSIONS })
      await assertAllRevoked(others, performance.now(), 'after revoke-others')
      await assertSession(t, first, true, 'the caller')
    })

    it(`PUT /api/me/password ends all ${OTHER_SESSIONS} other sessions: every access token refused within 1 s`, async () => {
      const { first, others } = await userWithManySessions()
      const res = await call(t, 'PUT', '/api/me/password', {
        credential: { bearer: first.token },
        body: { current_password: first.password, new_password: NEW_PASSWORD },
      })
      await expectStatus(res, 204, 'password change')
      await assertAllRevoked(others, performance.now(), 'after the password change')
      await assertSession(t, first, true, 'the caller')
    })

    it(`a password reset ends all ${OTHER_SESSIONS + 1} sessions: every access token refused within 1 s`, async () => {
      const { first, others } = await userWithManySessions()
      const token = await mailedResetToken(t, catcher, first.user.email)
      await expectStatus(await confirmReset(t, token, NEW_PASSWORD), 204, 'reset confirm')
      await assertAllRevoked([first, ...others], performance.now(), 'after the reset')
    })

    it(`DELETE /api/me ends all ${OTHER_SESSIONS + 1} sessions; a task written with any of their tokens, during or after the deletion, is never a 500`, async () => {
      const { first, others } = await userWithManySessions()
      // Task writes with the account's tokens keep coming while the account is deleted.
      let deleting = true
      const writes = new Map<number, number>()
      const writer = async (s: SignedIn) => {
        while (deleting) {
          const res = await call(t, 'POST', `/api/${s.user.id}/tasks`, {
            credential: { bearer: s.token },
            body: { title: 'written during the deletion' },
          })
          writes.set(res.status, (writes.get(res.status) ?? 0) + 1)
          await res.body?.cancel()
        }
      }
      await createTask(t, first)
      const writers = others.slice(-4).map(writer)
      await sleep(50)
      const res = await call(t, 'DELETE', '/api/me', {
        credential: { bearer: first.token },
        body: { password: first.password },
      })
      const deletedAt = performance.now()
      await sleep(100)
      deleting = false
      await Promise.all(writers)
      await expectStatus(res, 204, 'account deletion')
      const unexpected = [...writes.keys()].filter((status) => status !== 201 && status !== 401)
      assert.deepEqual(unexpected, [], `task writes during the deletion: ${JSON.stringify(Object.fromEntries(writes))}`)

      await assertAllRevoked([first, ...others], deletedAt, 'after the deletion')
      const statuses = new Map<number, number>()
      for (const s of [first, ...others]) {
        const write = await call(t, 'POST', `/api/${s.user.id}/tasks`, {
          credential: { bearer: s.token },
          body: { title: 'written after the deletion' },
        })
        statuses.set(write.status, (statuses.get(write.status) ?? 0) + 1)
        await write.body?.cancel()
      }
      assert.deepEqual(
        Object.fromEntries(statuses),
        { 401: OTHER_SESSIONS + 1 },
        'a task write with a deleted account’s access token is 401',
      )
    })
  })

  describe(`a sign-in with a password being replaced (${driver})`, () => {
    let catcher: MailCatcher
    let t: TestApp
    before(async () => ({ t, catcher } = await startAppWithMail(driver)))
    after(() => stopAppWithMail({ t, catcher }))

    type Race = { survivors: string[]; statuses: Map<number, number>; succeeded: number }

    /**
     * Keeps `RACING_SIGNINS` sign-ins with `s`'s (old) password in flight from 100 ms before
     * `replace` until 300 ms after it; then checks the credentials of every sign-in that
     * answered 200.
     */
    async function racePasswordChange(s: SignedIn, client: Client, replace: () => Promise<Response>): Promise<Race> {
      let racing = true
      const obtained: SignedIn[] = []
      const statuses = new Map<number, number>()
      const signInLoop = async () => {
        while (racing) {
          const res = await signIn(t, s.user.email, s.password, client)
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
          if (res.status === 200) obtained.push({ ...((await res.json()) as SignedIn), password: s.password })
          else await res.body?.cancel()
        }
      }
      const loops = Array.from({ length: RACING_SIGNINS }, signInLoop)
      await sleep(100)
      const replaced = await replace()
      await expectStatus(replaced, 204, 'the password change')
      await sleep(300)
      racing = false
      await Promise.all(loops)
      const since = performance.now()
      return { survivors: await survivors(t, obtained, since), statuses, succeeded: obtained.length }
    }

    async function trials(replace: (s: SignedIn, client: Client) => Promise<Response>) {
      const report: string[] = []
      let left = 0
      const statuses = new Map<number, number>()
      for (let trial = 1; trial <= RACE_TRIALS; trial++) {
        const client = freshClient()
        const s = await signUpAs(t, client)
        await catcher.nextMessageTo(s.user.email)
        const race = await racePasswordChange(s, client, () => replace(s, client))
        for (const [status, n] of race.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n)
        left += race.survivors.length
        report.push(
          `trial ${trial}: ${race.succeeded} old-password sign-ins answered 200, still working: ${race.survivors.join(', ') || 'none'}`,
        )
        // The new password is the account's.
        await expectUnauthorized(await signIn(t, s.user.email, s.password), `trial ${trial}: the old password`)
        const fresh = await signInAs(t, freshClient(), s.user.email, NEW_PASSWORD)
        await assertSession(t, fresh, true, `trial ${trial}: a session made with the new password`)
      }
      const unexpected = [...statuses.keys()].filter((status) => status !== 200 && status !== 401)
      assert.ok(
        left === 0 && unexpected.length === 0,
        `sign-ins with the old password around the change answered ${JSON.stringify(Object.fromEntries(statuses))} ` +
          `(only 200 or 401 is right); sessions made with the replaced password must not work:\n${report.join('\n')}`,
      )
    }

    it('PUT /api/me/password: no sign-in with the old password that was in flight leaves a working session or access token, and none answers 500', async () => {
      await trials((s) =>
        call(t, 'PUT', '/api/me/password', {
          credential: { bearer: s.token },
          client: freshClient(),
          body: { current_password: s.password, new_password: NEW_PASSWORD },
        }),
      )
    })

    it('password-reset confirm: no sign-in with the old password that was in flight leaves a working session or access token, and none answers 500', async () => {
      await trials(async (s) => {
        const token = await mailedResetToken(t, catcher, s.user.email)
        return confirmReset(t, token, NEW_PASSWORD)
      })
    })
  })

  describe(`reset links after a newer reset or a password change (${driver})`, () => {
    let catcher: MailCatcher
    let t: TestApp
    before(async () => ({ t, catcher } = await startAppWithMail(driver)))
    after(() => stopAppWithMail({ t, catcher }))

    const newUser = async () => (await signUpWithMail(t, catcher)).user

    it('once the newest link has reset the password, an older link for the account is 422 on token and changes nothing', async () => {
      const s = await newUser()
      const older = await mailedResetToken(t, catcher, s.user.email)
      const newest = await mailedResetToken(t, catcher, s.user.email)
      await expectStatus(await confirmReset(t, newest, NEW_PASSWORD), 204, 'the newest link')
      await expectInvalid(await confirmReset(t, older, ANOTHER_PASSWORD), ['token'], 'the older link afterwards')
      await expectStatus(await signIn(t, s.user.email, NEW_PASSWORD), 200, 'the password the newest link set')
      await expectUnauthorized(await signIn(t, s.user.email, ANOTHER_PASSWORD), 'the password the older link tried')
    })

    it('a link mailed before PUT /api/me/password is 422 on token after it, and the changed password stays', async () => {
      const s = await newUser()
      const link = await mailedResetToken(t, catcher, s.user.email)
      const changed = await call(t, 'PUT', '/api/me/password', {
        credential: { bearer: s.token },
        body: { current_password: s.password, new_password: NEW_PASSWORD },
      })
      await expectStatus(changed, 204, 'the password change')
      await expectInvalid(await confirmReset(t, link, ANOTHER_PASSWORD), ['token'], 'the link mailed before the change')
      await expectStatus(await signIn(t, s.user.email, NEW_PASSWORD), 200, 'the changed password')
      await expectUnauthorized(await signIn(t, s.user.email, ANOTHER_PASSWORD), 'the password the old link tried')
      await assertSession(t, s, true, 'the session that changed the password')
    })
  })

  describe(`a reset request does not wait for its token (${driver})`, () => {
    let catcher: MailCatcher
    let t: TestApp
    before(async () => ({ t, catcher } = await startAppWithMail(driver)))
    after(() => stopAppWithMail({ t, catcher }))

    it('answers 202 for an existing account while the database is still storing its reset token, as for an unknown address', async () => {
      const { user: s } = await signUpWithMail(t, catcher)
      // Better Auth stores each reset token as a row of `verification`.
      const held = holdInserts(t.services.database, 'verification')
      try {
        const unknown = await withTimeout(requestReset(t, uniqueEmail('ghost')), 3_000, 'unknown address')
        await expectStatus(unknown, 202, 'a reset request for an unknown address')
        // Were the answer to wait for the token, it would wait for release() below.
        const known = await withTimeout(requestReset(t, s.user.email), 3_000, 'existing account, token write held')
        await expectStatus(known, 202, 'a reset request for an existing account')
        await withTimeout(held.reached, 5_000, 'the token write (the request never got to storing a token)')
      } finally {
        held.release()
      }
      // Once the row is stored, the link arrives and works.
      const token = await resetToken(catcher, s.user.email)
      await expectStatus(await confirmReset(t, token, NEW_PASSWORD), 204, 'the mailed link')
      await expectStatus(await signIn(t, s.user.email, NEW_PASSWORD), 200, 'the new password')
    })
  })

  describe(`sign-up of a taken address with REQUIRE_EMAIL_VERIFICATION=true (${driver})`, () => {
    let catcher: MailCatcher
    let t: TestApp
    before(async () => ({ t, catcher } = await startAppWithMail(driver, { REQUIRE_EMAIL_VERIFICATION: 'true' })))
    after(() => stopAppWithMail({ t, catcher }))

    const signUp = (email: string, password = ANOTHER_PASSWORD) =>
      call(t, 'POST', '/api/auth/signup', { body: { email, password }, client: freshClient() })

    it('an address already registered is 409 (whatever its case), verified or not, as with verification off', async () => {
      const email = uniqueEmail('taken')
      const first = await signUp(email, STRONG_PASSWORD)
      assert.equal(first.status, 201, await first.clone().text())
      const { user } = (await first.json()) as { user: SignedIn['user'] }
      const verification = await verificationToken(catcher, email)

      await expectProblem(await signUp(email), 409, 'the same address, unverified')
      await expectProblem(await signUp(email.toUpperCase()), 409, 'the same address in capitals, unverified')

      await expectStatus(await verifyEmail(t, verification), 200, 'verifying the first account')
      await expectProblem(await signUp(email), 409, 'the same address, verified')

      // The account is the first sign-up's, with its password.
      const signedIn = await signInAs(t, freshClient(), email, STRONG_PASSWORD)
      assert.equal(signedIn.user.id, user.id)
      assert.equal((await me(t, { bearer: signedIn.token })).status, 200)
      await expectUnauthorized(await signIn(t, email, ANOTHER_PASSWORD), 'the password of a refused sign-up')
    })
  })
}

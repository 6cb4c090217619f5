/**
 * Decision 009 "The signed-in user": DELETE /api/me `{ password }`. The right password deletes
 * the user, their sessions and tasks, and their access tokens are refused at once; a wrong
 * one deletes nothing and counts as a failed sign-in.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { account, session, task, user } from '../../src/db/schema.js'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { BEHIND_PROXY, createTask, FIFTEEN_MINUTES, WRONG_PASSWORD } from '../support/account.js'
import { CREDENTIALS, type Credential, call, freshClient, signIn, signInAs, signUpAs } from '../support/clients.js'
import { assertSession, expectLimited, expectStatus } from '../support/expectations.js'
import { describeWithApp, type SignedIn } from '../support/harness.js'

const SIGNIN_FAILURES_PER_ACCOUNT = 3

describeWithApp(
  'DELETE /api/me',
  {
    ...BEHIND_PROXY,
    RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: String(SIGNIN_FAILURES_PER_ACCOUNT),
  },
  (t) => {
    const deleteMe = (credential: Credential, body: unknown) =>
      call(t, 'DELETE', '/api/me', { credential, body, client: freshClient() })

    /** What the database holds for `userId`. */
    async function stored(userId: string) {
      const db = t.services.database.db
      return {
        users: await db.select().from(user).where(eq(user.id, userId)),
        accounts: await db.select().from(account).where(eq(account.userId, userId)),
        sessions: await db.select().from(session).where(eq(session.userId, userId)),
        tasks: await db.select().from(task).where(eq(task.userId, userId)),
      }
    }

    it('a wrong password is 422 on password, and nothing is deleted', async () => {
      const s = await signUpAs(t, freshClient())
      await createTask(t, s, 'Keep me')
      await assertProblem(await deleteMe({ bearer: s.token }, { password: WRONG_PASSWORD }), 422, {
        fields: ['password'],
      })
      const rows = await stored(s.user.id)
      assert.equal(rows.users.length, 1)
      assert.equal(rows.tasks.length, 1)
      assert.equal(rows.sessions.length, 1)
      await assertSession(t, s, true, 'after the refused deletion')
      await expectStatus(await signIn(t, s.user.email, s.password), 200, 'the account still signs in')
    })

    it(`wrong passwords are limited per user: after ${SIGNIN_FAILURES_PER_ACCOUNT}, 429 even with the right one`, async () => {
      const s = await signUpAs(t, freshClient())
      for (let i = 1; i <= SIGNIN_FAILURES_PER_ACCOUNT; i++) {
        await assertProblem(await deleteMe({ bearer: s.token }, { password: WRONG_PASSWORD }), 422, {
          fields: ['password'],
          what: `try ${i}`,
        })
      }
      await expectLimited(
        await deleteMe({ bearer: s.token }, { password: s.password }),
        FIFTEEN_MINUTES,
        'the right password after the limit',
      )
      // A count of its own: failing to confirm here does not lock the account's sign-in.
      await expectStatus(await signIn(t, s.user.email, s.password), 200, 'sign-in keeps its own count')
      assert.equal((await stored(s.user.id)).users.length, 1, 'not deleted')
    })

    for (const [how, credentialOf] of Object.entries(CREDENTIALS)) {
      it(`with ${how} and the right password: 204, and every credential of every session is refused at once`, async () => {
        const s = await signUpAs(t, freshClient())
        const other = await signInAs(t, freshClient(), s.user.email, s.password)
        const res = await deleteMe(credentialOf(s), { password: s.password })
        assert.equal(res.status, 204, await res.clone().text())
        assert.equal(await res.text(), '')
        // "At once": the very next request, no waiting.
        await assertSession(t, s, false, 'the deleting session')
        await assertSession(t, other, false, 'the other session')
        await assertUnauthorized(await t.get('/api/auth/token', other.session_token), 'renewal')
      })
    }

    it('clears the session cookie', async () => {
      const s = await signUpAs(t, freshClient())
      const res = await deleteMe({ cookie: s.cookie }, { password: s.password })
      assert.equal(res.status, 204, await res.clone().text())
      const cookieName = s.cookie.split('=')[0] as string
      const cleared = res.headers.getSetCookie().find((c) => c.startsWith(`${cookieName}=`))
      assert.ok(cleared, `the session cookie is not cleared: ${JSON.stringify(res.headers.getSetCookie())}`)
      assert.match(cleared, /max-age=0(;|$)/i)
    })

    it('deletes the user, their sessions and tasks from the database; the email signs in no more and is free again', async () => {
      const s = await signUpAs(t, freshClient())
      await signInAs(t, freshClient(), s.user.email, s.password)
      for (const title of ['One', 'Two', 'Three']) await createTask(t, s, title)
      assert.equal((await stored(s.user.id)).tasks.length, 3)

      await expectStatus(await deleteMe({ bearer: s.token }, { password: s.password }), 204, 'delete')
      assert.deepEqual(await stored(s.user.id), { users: [], accounts: [], sessions: [], tasks: [] })
      const signin = await assertUnauthorized(await signIn(t, s.user.email, s.password), 'sign-in after deletion')
      assert.equal(signin.detail, 'Invalid email or password')
      await signUpAs(t, freshClient(), { email: s.user.email })
    })

    it("leaves another user's account, sessions and tasks alone", async () => {
      const ann = await signUpAs(t, freshClient())
      const bob = await signUpAs(t, freshClient())
      await createTask(t, ann, 'Ann')
      const bobTask = await createTask(t, bob, 'Bob')
      const before = await stored(bob.user.id)

      await expectStatus(await deleteMe({ bearer: ann.token }, { password: ann.password }), 204, 'delete Ann')
      assert.deepEqual(await stored(bob.user.id), before)
      await assertSession(t, bob, true, "Bob's session")
      const read = await call(t, 'GET', `/api/${bob.user.id}/tasks/${bobTask}`, { credential: { bearer: bob.token } })
      assert.equal(read.status, 200)
    })

    it('a missing password or unknown fields are 422, and nothing is deleted', async () => {
      const s = await signUpAs(t, freshClient())
      await assertProblem(await deleteMe({ bearer: s.token }, {}), 422, { fields: ['password'] })
      await assertProblem(await deleteMe({ bearer: s.token }, { password: s.password, force: true }), 422, {
        fields: ['force'],
      })
      assert.equal((await stored(s.user.id)).users.length, 1)
    })

    it('needs credentials: 401 without, and with a signed-out session', async () => {
      const s: SignedIn = await signUpAs(t, freshClient())
      await assertUnauthorized(await deleteMe({}, { password: s.password }))
      await expectStatus(await call(t, 'POST', '/api/auth/signout', { credential: { bearer: s.token } }), 204)
      await assertUnauthorized(await deleteMe({ bearer: s.token }, { password: s.password }))
      assert.equal((await stored(s.user.id)).users.length, 1)
    })
  },
)

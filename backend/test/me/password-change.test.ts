/**
 * Decision 009 "The signed-in user": PUT /api/me/password. A wrong current password is a 422
 * that counts as a failed sign-in; a change ends every other session with its access tokens
 * and keeps the caller's.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { account } from '../../src/db/schema.js'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import {
  describeWithMailApp,
  FIFTEEN_MINUTES,
  NEW_PASSWORD,
  WEAK_PASSWORDS,
  WRONG_PASSWORD,
} from '../support/account.js'
import { CREDENTIALS, type Credential, call, freshClient, signIn, signInAs, signUpAs } from '../support/clients.js'
import { assertRevokedInTime, assertSession, expectLimited, expectStatus } from '../support/expectations.js'
import type { SignedIn, TestApp } from '../support/harness.js'

const SIGNIN_FAILURES_PER_ACCOUNT = 3

function changePassword(t: TestApp, credential: Credential, current: string, next: string) {
  return call(t, 'PUT', '/api/me/password', {
    credential,
    body: { current_password: current, new_password: next },
    client: freshClient(),
  })
}

/** The stored password hash of `s` (Better Auth's credential account). */
async function storedHash(t: TestApp, s: SignedIn): Promise<string | null> {
  const rows = await t.services.database.db
    .select({ password: account.password })
    .from(account)
    .where(eq(account.userId, s.user.id))
  assert.equal(rows.length, 1)
  return rows[0]?.password ?? null
}

describeWithMailApp(
  'PUT /api/me/password',
  {
    RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: String(SIGNIN_FAILURES_PER_ACCOUNT),
  },
  (t) => {
    const newUser = () => signUpAs(t, freshClient())

    for (const [how, credentialOf] of Object.entries(CREDENTIALS)) {
      it(`with ${how}: 204, the new password signs in and the old one does not`, async () => {
        const s = await newUser()
        const res = await changePassword(t, credentialOf(s), s.password, NEW_PASSWORD)
        assert.equal(res.status, 204, await res.clone().text())
        assert.equal(await res.text(), '')
        await expectStatus(await signIn(t, s.user.email, NEW_PASSWORD), 200, 'the new password')
        await assertUnauthorized(await signIn(t, s.user.email, s.password), 'the old password')
      })
    }

    it('a wrong current password is 422 on current_password, and the password stays', async () => {
      const s = await newUser()
      await assertProblem(await changePassword(t, { bearer: s.token }, WRONG_PASSWORD, NEW_PASSWORD), 422, {
        fields: ['current_password'],
      })
      await expectStatus(await signIn(t, s.user.email, s.password), 200, 'the old password')
      await assertUnauthorized(await signIn(t, s.user.email, NEW_PASSWORD), 'the refused new password')
    })

    it(`wrong current passwords are limited per user: after ${SIGNIN_FAILURES_PER_ACCOUNT}, 429 even with the right one`, async () => {
      const s = await newUser()
      const hashBefore = await storedHash(t, s)
      for (let i = 1; i <= SIGNIN_FAILURES_PER_ACCOUNT; i++) {
        await assertProblem(await changePassword(t, { bearer: s.token }, WRONG_PASSWORD, NEW_PASSWORD), 422, {
          fields: ['current_password'],
          what: `wrong current password ${i}`,
        })
      }
      await expectLimited(
        await changePassword(t, { bearer: s.token }, s.password, NEW_PASSWORD),
        FIFTEEN_MINUTES,
        'the right current password after the limit',
      )
      await expectStatus(await signIn(t, s.user.email, s.password), 200, 'sign-in keeps its own count')
      assert.equal(await storedHash(t, s), hashBefore, 'the refused change changed nothing')
    })

    it('failed sign-ins by strangers do not lock the owner out of changing their password', async () => {
      const s = await newUser()
      // A client's failures lock that client out of the account (decision 018).
      const stranger = freshClient()
      for (let i = 1; i <= SIGNIN_FAILURES_PER_ACCOUNT; i++) {
        await assertUnauthorized(await signIn(t, s.user.email, WRONG_PASSWORD, stranger), `failed sign-in ${i}`)
      }
      await expectLimited(await signIn(t, s.user.email, s.password, stranger), FIFTEEN_MINUTES, 'sign-in is locked')
      await expectStatus(
        await changePassword(t, { bearer: s.token }, s.password, NEW_PASSWORD),
        204,
        'the signed-in owner still changes the password',
      )
    })

    it('ends every other session (access tokens within 1 s, session tokens and cookies at once) and keeps the caller’s', async () => {
      const s = await newUser()
      const others = [
        await signInAs(t, freshClient(), s.user.email, s.password),
        await signInAs(t, freshClient(), s.user.email, s.password),
      ]
      const bystander = await newUser()
      await expectStatus(await changePassword(t, { bearer: s.token }, s.password, NEW_PASSWORD), 204, 'change')
      const changedAt = performance.now()
      for (const [i, other] of others.entries())
        await assertRevokedInTime(t, other, changedAt, `other session ${i + 1}`)
      await assertSession(t, s, true, 'the session that changed the password')
      const renewed = await t.get('/api/auth/token', s.session_token)
      assert.equal(renewed.status, 200, 'the caller’s session still renews its access token')
      await assertSession(t, bystander, true, "another user's session")
    })

    it('the new password follows the sign-up rules: 422 on new_password, and nothing changes', async () => {
      const s = await newUser()
      const other = await signInAs(t, freshClient(), s.user.email, s.password)
      for (const [label, weak] of WEAK_PASSWORDS) {
        await assertProblem(await changePassword(t, { bearer: s.token }, s.password, weak), 422, {
          fields: ['new_password'],
          what: label,
        })
      }
      await expectStatus(await signIn(t, s.user.email, s.password), 200, 'the old password')
      await assertSession(t, other, true, 'a refused change ends no session')
    })

    it('lists every invalid field and refuses unknown ones with 422', async () => {
      const s = await newUser()
      const put = (body: unknown) => call(t, 'PUT', '/api/me/password', { credential: { bearer: s.token }, body })
      await assertProblem(await put({}), 422, { fields: ['current_password', 'new_password'] })
      await assertProblem(await put({ current_password: s.password, new_password: NEW_PASSWORD, revoke: true }), 422, {
        fields: ['revoke'],
      })
      await assertProblem(await put({ currentPassword: s.password, newPassword: NEW_PASSWORD }), 422, {
        fields: ['current_password', 'new_password', 'currentPassword', 'newPassword'],
      })
    })

    it('needs credentials: 401 without, and with a revoked session', async () => {
      const s: SignedIn = await newUser()
      await assertUnauthorized(await changePassword(t, {}, s.password, NEW_PASSWORD))
      await expectStatus(await call(t, 'POST', '/api/auth/signout', { credential: { bearer: s.token } }), 204)
      await assertUnauthorized(await changePassword(t, { bearer: s.session_token }, s.password, NEW_PASSWORD))
    })
  },
)

/**
 * Decision 009 "The signed-in user": GET /api/me/events, the account's security events, each
 * with the IP address and user agent of the request that caused it, newest first; and the
 * one `account_deleted` record that outlives a deleted account.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { auditEvent } from '../../src/db/schema.js'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { describeWithMailApp, NEW_PASSWORD, RFC3339_UTC } from '../support/account.js'
import { type Client, type Credential, call, freshClient, signInAs, signUpAs } from '../support/clients.js'
import { expectStatus, sessionIdOf } from '../support/expectations.js'
import type { SignedIn } from '../support/harness.js'
import {
  confirmReset,
  requestReset,
  resendVerification,
  resetToken,
  verificationToken,
  verifyEmail,
} from '../support/mailed-links.js'

type EventJson = {
  id: string
  action: string
  ip_address: string | null
  user_agent: string | null
  created_at: string
}

const EVENT_KEYS = ['action', 'created_at', 'id', 'ip_address', 'user_agent']

describeWithMailApp('security events', {}, (t, catcher) => {
  async function events(credential: Credential, query = ''): Promise<EventJson[]> {
    const res = await call(t, 'GET', `/api/me/events${query}`, { credential })
    const text = await res.text()
    assert.equal(res.status, 200, text)
    const body = JSON.parse(text) as { items: EventJson[] }
    assert.deepEqual(Object.keys(body), ['items'])
    for (const e of body.items) {
      assert.deepEqual(Object.keys(e).sort(), EVENT_KEYS)
      assert.match(e.created_at, RFC3339_UTC)
    }
    return body.items
  }

  /**
   * The user has an `action` event made by `client`, just now. Some events are written beside
   * a mail sent in the background: look again for up to 5 s.
   */
  async function expectEvent(credential: Credential, action: string, client: Client): Promise<EventJson> {
    const deadline = Date.now() + 5_000
    for (;;) {
      const ofAction = (await events(credential, '?limit=100')).filter((e) => e.action === action)
      const found = ofAction.find((e) => e.ip_address === client.ip)
      if (found) {
        assert.equal(found.user_agent, client.userAgent, `${action}: user_agent`)
        assert.ok(Math.abs(Date.parse(found.created_at) - Date.now()) < 60_000, `${action}: created_at is now`)
        return found
      }
      if (Date.now() > deadline) {
        assert.fail(`no ${action} event from ${client.ip}; ${action} events: ${JSON.stringify(ofAction)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  const signUp = (client = freshClient()) => signUpAs(t, client)

  it('sign-up: signed_up, with the IP and user agent of the request', async () => {
    const client = freshClient()
    const s = await signUp(client)
    await expectEvent({ bearer: s.token }, 'signed_up', client)
  })

  it('the sign-up mail: verification_email_sent', async () => {
    const client = freshClient()
    const s = await signUp(client)
    await verificationToken(catcher, s.user.email)
    await expectEvent({ bearer: s.token }, 'verification_email_sent', client)
  })

  it('asking for a new link: verification_email_sent', async () => {
    const s = await signUp()
    await verificationToken(catcher, s.user.email)
    const client = freshClient()
    await expectStatus(await resendVerification(t, s.user.email, client), 202)
    await verificationToken(catcher, s.user.email)
    await expectEvent({ bearer: s.token }, 'verification_email_sent', client)
  })

  it('sign-in: signed_in', async () => {
    const s = await signUp()
    const client = freshClient()
    await signInAs(t, client, s.user.email, s.password)
    await expectEvent({ bearer: s.token }, 'signed_in', client)
  })

  it("Better Auth's sign-in/email: signed_in", async () => {
    const s = await signUp()
    const client = freshClient()
    const res = await call(t, 'POST', '/api/auth/sign-in/email', {
      body: { email: s.user.email, password: s.password },
      client,
      headers: { origin: t.config.publicUrl },
    })
    await expectStatus(res, 200)
    await expectEvent({ bearer: s.token }, 'signed_in', client)
  })

  it("Better Auth's sign-out: signed_out", async () => {
    const s = await signUp()
    const other = await signInAs(t, freshClient(), s.user.email, s.password)
    const client = freshClient()
    const res = await call(t, 'POST', '/api/auth/sign-out', {
      credential: { cookie: other.cookie },
      body: {},
      client,
    })
    await expectStatus(res, 200)
    await expectEvent({ bearer: s.token }, 'signed_out', client)
  })

  it('sign-out: signed_out', async () => {
    const s = await signUp()
    const other = await signInAs(t, freshClient(), s.user.email, s.password)
    const client = freshClient()
    await expectStatus(await call(t, 'POST', '/api/auth/signout', { credential: { bearer: other.token }, client }), 204)
    await expectEvent({ bearer: s.token }, 'signed_out', client)
  })

  it('verifying the address: email_verified', async () => {
    const s = await signUp()
    const token = await verificationToken(catcher, s.user.email)
    const client = freshClient()
    await expectStatus(await verifyEmail(t, token, client), 200)
    await expectEvent({ bearer: s.token }, 'email_verified', client)
  })

  it('asking for a reset: password_reset_requested; confirming it: password_reset', async () => {
    const s = await signUp()
    await verificationToken(catcher, s.user.email)
    const asking = freshClient()
    await expectStatus(await requestReset(t, s.user.email, asking), 202)
    const token = await resetToken(catcher, s.user.email)
    const confirming = freshClient()
    await expectStatus(await confirmReset(t, token, NEW_PASSWORD, confirming), 204)
    // The reset ended every session: read the events as the user signs in again.
    const again = await signInAs(t, freshClient(), s.user.email, NEW_PASSWORD)
    await expectEvent({ bearer: again.token }, 'password_reset_requested', asking)
    await expectEvent({ bearer: again.token }, 'password_reset', confirming)
  })

  it('changing the password: password_changed', async () => {
    const s = await signUp()
    const client = freshClient()
    const body = { current_password: s.password, new_password: NEW_PASSWORD }
    await expectStatus(await call(t, 'PUT', '/api/me/password', { credential: { bearer: s.token }, body, client }), 204)
    await expectEvent({ bearer: s.token }, 'password_changed', client)
  })

  it('changing the name: name_changed', async () => {
    const s = await signUp()
    const client = freshClient()
    const body = { name: 'Renamed' }
    await expectStatus(await call(t, 'PATCH', '/api/me', { credential: { bearer: s.token }, body, client }), 200)
    await expectEvent({ bearer: s.token }, 'name_changed', client)
  })

  it('ending another session: session_revoked', async () => {
    const s = await signUp()
    const other = await signInAs(t, freshClient(), s.user.email, s.password)
    const client = freshClient()
    const path = `/api/me/sessions/${sessionIdOf(other)}`
    await expectStatus(await call(t, 'DELETE', path, { credential: { bearer: s.token }, client }), 204)
    await expectEvent({ bearer: s.token }, 'session_revoked', client)
  })

  it('ending all other sessions: other_sessions_revoked', async () => {
    const s = await signUp()
    await signInAs(t, freshClient(), s.user.email, s.password)
    const client = freshClient()
    const res = await call(t, 'POST', '/api/me/sessions/revoke-others', { credential: { bearer: s.token }, client })
    await expectStatus(res, 200)
    await expectEvent({ bearer: s.token }, 'other_sessions_revoked', client)
  })

  it('deleting the account: only one account_deleted record is kept for the user id, with IP and user agent', async () => {
    const s = await signUp()
    await signInAs(t, freshClient(), s.user.email, s.password)
    await call(t, 'PATCH', '/api/me', { credential: { bearer: s.token }, body: { name: 'Soon gone' } })
    assert.ok((await events({ bearer: s.token })).length >= 3, 'the account had events before')

    const client = freshClient()
    const body = { password: s.password }
    await expectStatus(await call(t, 'DELETE', '/api/me', { credential: { bearer: s.token }, body, client }), 204)
    const rows = await t.services.database.db.select().from(auditEvent).where(eq(auditEvent.userId, s.user.id))
    assert.equal(rows.length, 1, `kept: ${rows.map((r) => r.action).join(', ')}`)
    const [row] = rows
    assert.equal(row?.action, 'account_deleted')
    assert.equal(row?.ipAddress, client.ip)
    assert.equal(row?.userAgent, client.userAgent)
    assert.ok(Math.abs((row?.createdAt.getTime() ?? 0) - Date.now()) < 60_000)
  })

  it('lists newest first, and limit picks the newest few', async () => {
    const s = await signUp()
    for (const name of ['One', 'Two', 'Three']) {
      await call(t, 'PATCH', '/api/me', { credential: { bearer: s.token }, body: { name } })
    }
    await signInAs(t, freshClient(), s.user.email, s.password)
    const all = await events({ bearer: s.token })
    const times = all.map((e) => Date.parse(e.created_at))
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
      'newest first',
    )
    assert.deepEqual(
      all.slice(0, 4).map((e) => e.action),
      ['signed_in', 'name_changed', 'name_changed', 'name_changed'],
      'the last actions come first',
    )
    // Sign-up's two events (its mail's may share a millisecond with it) come last.
    assert.deepEqual(
      all
        .slice(4)
        .map((e) => e.action)
        .sort(),
      ['signed_up', 'verification_email_sent'],
    )
    assert.deepEqual(await events({ bearer: s.token }, '?limit=2'), all.slice(0, 2))
    assert.deepEqual(await events({ bearer: s.token }, '?limit=1'), all.slice(0, 1))
  })

  it('lists 20 by default and at most 100', async () => {
    const s = await signUp()
    for (let i = 0; i < 21; i++) {
      await call(t, 'PATCH', '/api/me', { credential: { bearer: s.token }, body: { name: `Name ${i}` } })
    }
    assert.equal((await events({ bearer: s.token })).length, 20)
    assert.ok((await events({ bearer: s.token }, '?limit=100')).length >= 22)
  })

  it('refuses a limit outside 1–100, or not a number, with 422 on limit', async () => {
    const s = await signUp()
    for (const limit of ['0', '101', '-1', 'abc', '1.5', '']) {
      const res = await call(t, 'GET', `/api/me/events?limit=${limit}`, { credential: { bearer: s.token } })
      await assertProblem(res, 422, { fields: ['limit'], what: `limit=${limit}` })
    }
  })

  it("shows only the caller's events", async () => {
    const ann = await signUp()
    const bob = await signUp()
    await call(t, 'PATCH', '/api/me', { credential: { bearer: bob.token }, body: { name: 'Bob' } })
    await signInAs(t, freshClient(), bob.user.email, bob.password)
    const annEvents = await events({ bearer: ann.token }, '?limit=100')
    const bobIds = new Set((await events({ bearer: bob.token }, '?limit=100')).map((e) => e.id))
    assert.ok(annEvents.every((e) => !bobIds.has(e.id)))
    assert.ok(!annEvents.some((e) => e.action === 'name_changed' || e.action === 'signed_in'))
  })

  it('needs credentials: 401', async () => {
    const s: SignedIn = await signUp()
    await assertUnauthorized(await call(t, 'GET', '/api/me/events'))
    await expectStatus(await call(t, 'POST', '/api/auth/signout', { credential: { bearer: s.token } }), 204)
    await assertUnauthorized(await call(t, 'GET', '/api/me/events', { credential: { bearer: s.token } }))
  })
})

/**
 * Decision 019, ASVS 5.0 7.3.2: a sliding session used now and then never expired and kept
 * minting access tokens. SESSION_MAX_AGE_SECONDS now ends it, counted from its sign-in,
 * wherever a session is accepted (session token, cookie, Better Auth's get-session, which every
 * session lookup goes through) or renewed
 * (GET /api/auth/token, Better Auth's sliding), and no access token outlives it.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { session as sessionTable } from '../../src/db/schema.js'
import { assertUnauthorized } from '../../testkit/problem.js'
import { BEHIND_PROXY } from '../support/account.js'
import { call, freshClient, me, signUpAs } from '../support/clients.js'
import { assertRevokedInTime, sessionIdOf } from '../support/expectations.js'
import { describeWithApp, type SignedIn, type TestApp } from '../support/harness.js'

const MAX_AGE = 3_600

/** Moves the session's sign-in back by `seconds` (its sliding expiry stays ahead, as if used). */
async function signedInAgo(t: TestApp, s: SignedIn, seconds: number) {
  await t.services.database.db
    .update(sessionTable)
    .set({ createdAt: new Date(Date.now() - seconds * 1000), expiresAt: new Date(Date.now() + 86_400_000) })
    .where(eq(sessionTable.id, sessionIdOf(s)))
}

const sessionRow = async (t: TestApp, s: SignedIn) =>
  (
    await t.services.database.db
      .select()
      .from(sessionTable)
      .where(eq(sessionTable.id, sessionIdOf(s)))
  )[0]

describeWithApp(
  'the absolute session lifetime',
  // Every use slides the session (update age 0): the case where only the absolute end can end it.
  { ...BEHIND_PROXY, SESSION_MAX_AGE_SECONDS: String(MAX_AGE), SESSION_UPDATE_AGE_SECONDS: '0' },
  (t) => {
    it('a session used all along is accepted until SESSION_MAX_AGE_SECONDS after its sign-in', async () => {
      const s = await signUpAs(t, freshClient())
      await signedInAgo(t, s, MAX_AGE - 120)
      assert.equal((await me(t, { bearer: s.session_token })).status, 200, 'session token, 2 minutes before its end')
      assert.equal((await me(t, { cookie: s.cookie })).status, 200, 'cookie, 2 minutes before its end')
    })

    it('past it, the session token, the cookie and Better Auth get-session are refused, and the session ends', async () => {
      const s = await signUpAs(t, freshClient())
      await signedInAgo(t, s, MAX_AGE + 1)
      await assertUnauthorized(await me(t, { bearer: s.session_token }), 'session token')
      const again = await signUpAs(t, freshClient())
      await signedInAgo(t, again, MAX_AGE + 1)
      await assertUnauthorized(await me(t, { cookie: again.cookie }), 'cookie')
      const other = await signUpAs(t, freshClient())
      await signedInAgo(t, other, MAX_AGE + 1)
      const got = await t.services.auth.api.getSession({ headers: new Headers({ cookie: other.cookie }) })
      assert.equal(got, null, "Better Auth's get-session knows no such session")
      for (const ended of [s, again, other])
        assert.equal(await sessionRow(t, ended), undefined, 'the session row is gone')
    })

    it("past it, Better Auth's get-session clears the cookie instead of sliding the session forward", async () => {
      const s = await signUpAs(t, freshClient())
      await signedInAgo(t, s, MAX_AGE + 1)
      const got = await t.services.auth.api.getSession({
        headers: new Headers({ cookie: s.cookie }),
        returnHeaders: true,
      })
      assert.equal(got.response, null)
      const name = s.cookie.split('=')[0] as string
      const cookies = got.headers.getSetCookie().filter((c) => c.startsWith(`${name}=`))
      assert.ok(cookies.length > 0, 'the session cookie is set')
      assert.match(cookies.at(-1) as string, /max-age=0/i, 'and its last word expires it')
      assert.equal(await sessionRow(t, s), undefined)
    })

    it('past it, GET /api/auth/token is refused (no renewal), and its access tokens are refused within 1 s', async () => {
      const s = await signUpAs(t, freshClient())
      await signedInAgo(t, s, MAX_AGE + 1)
      await assertUnauthorized(await t.get('/api/auth/token', s.session_token), 'renewal with the session token')
      const renewed = await call(t, 'GET', '/api/auth/token', { credential: { cookie: s.cookie } })
      await assertUnauthorized(renewed, 'renewal with the cookie')
      await assertRevokedInTime(t, s, performance.now(), 'the access token of a session past its end')
    })

    it("an access token's exp is never past its session's absolute end", async () => {
      const s = await signUpAs(t, freshClient())
      await signedInAgo(t, s, MAX_AGE - 120)
      const row = await sessionRow(t, s)
      assert.ok(row)
      const end = Math.floor((row.createdAt.getTime() + MAX_AGE * 1000) / 1000)
      for (const credential of [{ bearer: s.session_token }, { cookie: s.cookie }]) {
        const res = await call(t, 'GET', '/api/auth/token', { credential })
        assert.equal(res.status, 200, await res.clone().text())
        const { token, expires_at } = (await res.json()) as { token: string; expires_at: string }
        const { exp, iat } = decodeJwt(token)
        assert.ok(exp !== undefined && iat !== undefined)
        assert.ok(exp <= end, `exp ${exp} is past the session's end ${end}`)
        assert.ok(exp - iat < t.config.accessTokenTtlSeconds, 'shorter than a usual token')
        assert.equal(Date.parse(expires_at) / 1000, exp, 'expires_at says so')
      }
    })

    it('the session list gives the absolute end as expires_at when it comes first', async () => {
      const s = await signUpAs(t, freshClient())
      await signedInAgo(t, s, MAX_AGE - 600)
      const res = await call(t, 'GET', '/api/me/sessions', { credential: { bearer: s.token } })
      const { items } = (await res.json()) as { items: { id: string; created_at: string; expires_at: string }[] }
      const item = items.find((x) => x.id === sessionIdOf(s))
      assert.ok(item)
      assert.equal(Date.parse(item.expires_at), Date.parse(item.created_at) + MAX_AGE * 1000)
    })
  },
)

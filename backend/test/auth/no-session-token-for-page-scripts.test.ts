/**
 * Decision 017: a browser gets its session only as the HttpOnly cookie. No answer to a
 * browser's request carries the session token in its body (where any script in the page could
 * read it), and Better Auth's `get-session`, which would hand it over, is not exposed.
 * Non-browser clients, which have no cookie jar to speak of, still get `session_token` (API.md).
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { accountWithPasskey, signInWith } from '../passkeys/support.js'
import { mfaStep, secondStep, totpAccount } from '../second-factors/support.js'
import { BEHIND_PROXY } from '../support/account.js'
import { type Client, call, freshClient } from '../support/clients.js'
import { describeWithApp, STRONG_PASSWORD, sessionCookie, type TestApp, uniqueEmail } from '../support/harness.js'

/** What a browser sends with a script's request and no script can set or remove. */
const browserHeaders = (t: TestApp) => ({
  origin: t.config.publicUrl,
  'sec-fetch-site': 'same-origin',
  'sec-fetch-mode': 'cors',
  'sec-fetch-dest': 'empty',
})
const asBrowser = (t: TestApp, client: Client = freshClient()): Client => ({
  ...client,
  headers: { ...client.headers, ...browserHeaders(t) },
})

/** The body's members, and whether the response set the session cookie. */
async function answer(res: Response) {
  const text = await res.clone().text()
  assert.equal(res.status < 300, true, `${res.status} ${text}`)
  return { body: JSON.parse(text) as Record<string, unknown>, text, cookie: sessionCookie(res), headers: res.headers }
}

/** The body says nothing of the session cookie's value, and the cookie was set. */
function assertCookieOnly({ body, text, cookie, headers }: Awaited<ReturnType<typeof answer>>, what: string) {
  assert.ok(cookie, `${what}: the session cookie is set`)
  // Better Auth's bearer plugin hands it over in a header of its own, which scripts can read too.
  assert.equal(headers.get('set-auth-token'), null, `${what}: no set-auth-token header`)
  assert.ok(!('session_token' in body), `${what}: no session_token`)
  const sessionToken = decodeURIComponent(cookie.split('=')[1] ?? '').split('.')[0] as string
  assert.ok(sessionToken.length > 10)
  assert.ok(!text.includes(sessionToken), `${what}: the session token appears in the body`)
}

describeWithApp('no session token for page scripts', BEHIND_PROXY, (t) => {
  it('sign-up and sign-in answer a browser with the cookie and an access token, never the session token', async () => {
    const email = uniqueEmail('browser')
    const up = await answer(
      await call(t, 'POST', '/api/auth/signup', { body: { email, password: STRONG_PASSWORD }, client: asBrowser(t) }),
    )
    assertCookieOnly(up, 'sign-up')
    assert.equal(typeof up.body.token, 'string', 'the access token is still there')
    const signin = await answer(
      await call(t, 'POST', '/api/auth/signin', { body: { email, password: STRONG_PASSWORD }, client: asBrowser(t) }),
    )
    assertCookieOnly(signin, 'sign-in')
  })

  it('counts a request as a browser’s by its Sec-Fetch-Site or its Origin', async () => {
    const variants: Record<string, string>[] = [{ 'sec-fetch-site': 'same-origin' }, { origin: t.config.publicUrl }]
    for (const headers of variants) {
      const client = freshClient()
      const res = await call(t, 'POST', '/api/auth/signup', {
        body: { email: uniqueEmail('hdr'), password: STRONG_PASSWORD },
        client: { ...client, headers: { ...client.headers, ...headers } },
      })
      assertCookieOnly(await answer(res), JSON.stringify(headers))
    }
  })

  // Node's fetch, which sends these requests, adds `Sec-Fetch-Mode: cors` as browsers do.
  it('still gives session_token to a client that is no browser', async () => {
    const res = await call(t, 'POST', '/api/auth/signup', {
      body: { email: uniqueEmail('cli'), password: STRONG_PASSWORD },
      client: freshClient(),
    })
    const { body } = await answer(res)
    assert.equal(typeof body.session_token, 'string')
  })

  it('finishes a two-step sign-in and a passkey sign-in in a browser without the session token', async () => {
    const a = await totpAccount(t)
    const { mfa_token } = await mfaStep(t, a)
    const done = await secondStep(t, { mfa_token, code: await a.authenticator.freshCode() }, asBrowser(t))
    assertCookieOnly(await answer(done), 'sign-in with a code')

    const { authenticator } = await accountWithPasskey(t)
    assertCookieOnly(await answer(await signInWith(t, authenticator, {}, asBrowser(t))), 'passkey sign-in')
  })

  it("answers Better Auth's own sign-up/email and sign-in/email to a browser without the session token", async () => {
    const email = uniqueEmail('ba-browser')
    const up = await call(t, 'POST', '/api/auth/sign-up/email', {
      body: { email, password: STRONG_PASSWORD, name: 'Bea' },
      client: asBrowser(t),
    })
    assertCookieOnly(await answer(up), 'sign-up/email')
    const signin = await call(t, 'POST', '/api/auth/sign-in/email', {
      body: { email, password: STRONG_PASSWORD },
      client: asBrowser(t),
    })
    const result = await answer(signin)
    assertCookieOnly(result, 'sign-in/email')
    assert.ok(!('token' in result.body), 'no token member either')
  })

  it("does not expose Better Auth's get-session, nor its HTML error page", async () => {
    const s = await t.signup()
    for (const path of ['/api/auth/get-session', '/api/auth/error']) {
      const res = await call(t, 'GET', path, { headers: { cookie: s.cookie } })
      await assertProblem(res, 404, { what: path })
      assert.ok(!(await res.text()).includes(s.session_token), path)
    }
  })
})

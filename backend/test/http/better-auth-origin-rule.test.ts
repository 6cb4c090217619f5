/**
 * Better Auth's own CSRF rule on its state-changing endpoints, as decision 005 states it: it looks
 * at Origin (or, without one, Referer) only when the request could carry ambient credentials, a
 * Cookie, or, on sign-up and sign-in, comes from a browser (Sec-Fetch-* or a Referer); then the
 * header must name a trusted origin, and a missing one is 403 MISSING_OR_NULL_ORIGIN. A request
 * with neither (curl, a server) passes, as on the seed routes. Our own guard refuses a foreign
 * Origin everywhere first.
 */
import assert from 'node:assert/strict'
import http from 'node:http'
import { it } from 'node:test'
import { readProblem } from '../../testkit/problem.js'
import { describeWithApp, STRONG_PASSWORD, uniqueEmail } from '../support/harness.js'
import { EVIL_ORIGIN } from './support.js'

describeWithApp("Better Auth's origin rule", {}, (t) => {
  const newAccount = async () => {
    const email = uniqueEmail('origin')
    assert.equal((await t.post('/api/auth/signup', { email, password: STRONG_PASSWORD })).status, 201)
    return email
  }
  /** Through fetch, which (as browsers do) sends Sec-Fetch-Mode: cors. */
  const signIn = async (headers: Record<string, string>) =>
    t.post('/api/auth/sign-in/email', { email: await newAccount(), password: STRONG_PASSWORD }, { headers })
  /** As curl or a server would: nothing but the body's type and length. */
  const plainSignIn = async (): Promise<number> => {
    const body = JSON.stringify({ email: await newAccount(), password: STRONG_PASSWORD })
    const url = new URL('/api/auth/sign-in/email', t.url)
    return new Promise((resolve, reject) => {
      const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
      const req = http.request(url, { method: 'POST', headers }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', reject)
      req.end(body)
    })
  }
  const refusedWith = async (res: Response, code: string | undefined) => {
    assert.equal(res.status, 403)
    assert.equal((await readProblem(res)).code, code)
  }
  const someCookie = { cookie: 'better-auth.session_token=not-a-session' }

  it('lets a request with no Cookie and no browser headers through without an Origin', async () => {
    assert.equal(await plainSignIn(), 200)
  })

  it('refuses a request carrying a Cookie but no Origin or Referer: 403 MISSING_OR_NULL_ORIGIN', async () => {
    await refusedWith(await signIn(someCookie), 'MISSING_OR_NULL_ORIGIN')
  })

  it('takes the Referer in place of a missing Origin: trusted passes, foreign is 403 INVALID_ORIGIN', async () => {
    const trusted = await signIn({ ...someCookie, referer: `${t.config.publicUrl}/signin` })
    assert.equal(trusted.status, 200)
    await trusted.body?.cancel()
    await refusedWith(await signIn({ ...someCookie, referer: `${EVIL_ORIGIN}/page` }), 'INVALID_ORIGIN')
  })

  it('on sign-in, refuses a browser request (Sec-Fetch-*) without an Origin even with no Cookie', async () => {
    await refusedWith(
      await signIn({ 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' }),
      'MISSING_OR_NULL_ORIGIN',
    )
    // Node's own fetch sends Sec-Fetch-Mode: cors, so it counts as a browser here.
    await refusedWith(await signIn({}), 'MISSING_OR_NULL_ORIGIN')
  })

  it('on sign-out, needs an Origin only with a Cookie', async () => {
    const user = await t.signup()
    await refusedWith(
      await t.post('/api/auth/sign-out', {}, { headers: { cookie: user.cookie } }),
      'MISSING_OR_NULL_ORIGIN',
    )
    const withOrigin = await t.post(
      '/api/auth/sign-out',
      {},
      { headers: { cookie: user.cookie, origin: t.config.publicUrl } },
    )
    assert.equal(withOrigin.status, 200)
    await withOrigin.body?.cancel()
    const other = await t.signup()
    const bearer = await t.post('/api/auth/sign-out', {}, { token: other.session_token })
    assert.equal(bearer.status, 200, 'a bearer token is no ambient credential')
    await bearer.body?.cancel()
  })

  it('never sees a foreign Origin: our guard answers 403 first, without a Better Auth code', async () => {
    await refusedWith(await signIn({ origin: EVIL_ORIGIN }), undefined)
  })
})

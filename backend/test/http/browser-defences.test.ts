/**
 * Browser defences: CORS for the configured origins only, the CSRF origin check, cookies and secure headers.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readProblem } from '../../testkit/problem.js'
import { describeWithApp, STRONG_PASSWORD, startTestApp, uniqueEmail } from '../support/harness.js'
import { APP_ORIGIN, EVIL_ORIGIN, rawPost } from './support.js'

describeWithApp('HTTP conventions', { CORS_ORIGINS: APP_ORIGIN }, (t, driver) => {
  const postRaw = rawPost(t)

  describe('browser defences', () => {
    it('sends secure headers on successes and errors alike', async () => {
      for (const res of [
        await t.fetch('/healthz'),
        await t.fetch('/api/nope'),
        await t.get('/api/me'),
        await postRaw('/api/auth/signin', 'not json', 'text/plain'),
      ]) {
        const h = res.headers
        const where = `${res.status} ${res.url}`
        assert.equal(h.get('x-content-type-options'), 'nosniff', where)
        assert.match(h.get('x-frame-options') ?? '', /^(DENY|SAMEORIGIN)$/i, where)
        assert.match(h.get('referrer-policy') ?? '', /no-referrer|same-origin|strict-origin/, where)
        // PUBLIC_URL is http:// here: HSTS would only break a developer's other http://localhost sites.
        assert.equal(h.get('strict-transport-security'), null, where)
        assert.equal(h.get('cross-origin-resource-policy'), 'same-origin', where)
        assert.equal(h.get('x-powered-by'), null, where)
        await res.body?.cancel()
      }
    })

    it('tells browsers to come back over https only (HSTS) when PUBLIC_URL is https', async () => {
      const https = await startTestApp(driver, { PUBLIC_URL: 'https://tasks.example.com' })
      try {
        for (const res of [await https.fetch('/healthz'), await https.get('/api/me'), await https.fetch('/api/nope')]) {
          const hsts = res.headers.get('strict-transport-security') ?? ''
          assert.match(hsts, /^max-age=(\d+)/, `${res.status} ${res.url}`)
          assert.ok(Number(/max-age=(\d+)/.exec(hsts)?.[1]) >= 180 * 86_400, `at least half a year: ${hsts}`)
          await res.body?.cancel()
        }
      } finally {
        await https.close()
      }
    })

    it('answers a CORS preflight from an allowed origin with that origin and credentials', async () => {
      const res = await t.fetch('/api/auth/signin', {
        method: 'OPTIONS',
        headers: {
          origin: APP_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization',
        },
      })
      assert.ok(res.status === 204 || res.status === 200, `preflight status ${res.status}`)
      assert.equal(res.headers.get('access-control-allow-origin'), APP_ORIGIN)
      assert.equal(res.headers.get('access-control-allow-credentials'), 'true')
      assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/)
      const allowHeaders = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase()
      assert.match(allowHeaders, /content-type/)
      assert.match(allowHeaders, /authorization/)
      assert.match(res.headers.get('vary') ?? '', /origin/i)
    })

    it('echoes an allowed origin on simple requests and exposes the headers clients need', async () => {
      const res = await t.get('/api/me', undefined, { origin: APP_ORIGIN })
      assert.equal(res.status, 401)
      assert.equal(res.headers.get('access-control-allow-origin'), APP_ORIGIN)
      assert.equal(res.headers.get('access-control-allow-credentials'), 'true')
      const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase()
      for (const name of ['location', 'retry-after', 'www-authenticate']) assert.match(exposed, new RegExp(name))
      await res.body?.cancel()
    })

    it('gives a disallowed origin no Access-Control-Allow-Origin, and never answers with *', async () => {
      const responses = [
        await t.fetch('/api/auth/signin', {
          method: 'OPTIONS',
          headers: { origin: EVIL_ORIGIN, 'access-control-request-method': 'POST' },
        }),
        await t.get('/api/me', undefined, { origin: EVIL_ORIGIN }),
        await t.get('/api/auth/jwks', undefined, { origin: EVIL_ORIGIN }),
        await t.get('/api/me', undefined, { origin: 'null' }),
      ]
      for (const res of responses) {
        assert.equal(res.headers.get('access-control-allow-origin'), null, `${res.status} ${res.url}`)
        await res.body?.cancel()
      }
      for (const origin of [APP_ORIGIN, EVIL_ORIGIN, undefined]) {
        const res = await t.get('/api/auth/jwks', undefined, origin ? { origin } : {})
        assert.notEqual(res.headers.get('access-control-allow-origin'), '*')
        await res.body?.cancel()
      }
    })

    it('refuses state-changing requests from other origins with a 403 problem', async () => {
      const email = uniqueEmail('csrf')
      const evil = await t.post(
        '/api/auth/signup',
        { email, password: STRONG_PASSWORD },
        { headers: { origin: EVIL_ORIGIN } },
      )
      assert.equal(evil.status, 403)
      assert.equal((await readProblem(evil)).status, 403)
      // Nothing happened: the email is still free.
      const allowed = await t.post(
        '/api/auth/signup',
        { email, password: STRONG_PASSWORD },
        { headers: { origin: APP_ORIGIN } },
      )
      assert.equal(allowed.status, 201, 'the same sign-up from the allowed origin')
      const { token } = (await allowed.json()) as { token: string }

      const evilOut = await t.post('/api/auth/signout', {}, { token, headers: { origin: EVIL_ORIGIN } })
      assert.equal(evilOut.status, 403)
      await readProblem(evilOut)
      assert.equal((await t.get('/api/me', token)).status, 200, 'the refused sign-out did not sign out')

      for (const origin of ['null', `${APP_ORIGIN}.evil.example`, 'http://app.example.com']) {
        const res = await t.post(
          '/api/auth/sign-in/email',
          { email, password: STRONG_PASSWORD },
          { headers: { origin } },
        )
        assert.equal(res.status, 403, `Better Auth route from ${origin}`)
        await readProblem(res)
      }

      // A cookie sent from a cross-site context without Origin is refused too.
      const crossSite = await t.post(
        '/api/auth/signout',
        {},
        { headers: { cookie: 'better-auth.session_token=x', 'sec-fetch-site': 'cross-site' } },
      )
      assert.equal(crossSite.status, 403)
      await readProblem(crossSite)

      const out = await t.post('/api/auth/signout', {}, { token, headers: { origin: APP_ORIGIN } })
      assert.equal(out.status, 204, 'sign-out from the allowed origin')
      assert.equal((await t.get('/api/me', token)).status, 401)
      const own = await t.post('/api/auth/signout', {}, { headers: { origin: t.config.publicUrl } })
      assert.equal(own.status, 204, "the app's own origin is allowed")
    })
  })
})

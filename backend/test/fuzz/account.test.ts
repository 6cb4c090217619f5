/**
 * Fuzzing the account routes (decision 009): name, password, deletion, mailed-link flows,
 * security events and sessions.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { eq } from 'drizzle-orm'
import fc from 'fast-check'
import { user as userTable } from '../../src/db/schema.js'
import type { SignedIn } from '../support/harness.js'
import { auth, db, describeFuzzing, type Req, send, show, validEmail } from './app.js'
import { adversarialString, anyBody, around, type Body, contentType, parseObject, text } from './arbitraries.js'
import { assertWellFormed, codePoints } from './checks.js'
import { fuzz, RUN, RUNS } from './run.js'

describeFuzzing((t) => {
  describe('account', () => {
    let cat: SignedIn
    /** cat's password as it is now: a fuzzed PUT /api/me/password may change it. */
    let password: string
    /** Another user, whose data must never show up in cat's answers. */
    let bystander: SignedIn
    before(async () => {
      cat = await t.signup({ email: `fz-${RUN}-account@example.com` })
      password = cat.password
      bystander = await t.signup()
    })
    const stored = async () => {
      const [row] = await db().select().from(userTable).where(eq(userTable.id, cat.user.id))
      return row
    }
    const asCat = (method: string, path: string, body: Body, type: string | undefined): Req => ({
      method,
      path,
      headers: { ...auth(cat), 'content-type': type },
      body,
    })
    const signsIn = async (secret: string) =>
      (await t.post('/api/auth/signin', { email: cat.user.email, password: secret })).status === 200

    it('PATCH /api/me: any body → no 5xx; refused keeps the name, accepted stores it trimmed', async () => {
      const fields = { name: fc.oneof(text(60), around(100), fc.constantFrom('  Cat  ', 'Cat')) }
      await fuzz(
        fc.asyncProperty(anyBody(fields), contentType, async (body, type) => {
          const before = (await stored())?.name
          const req = asCat('PATCH', '/api/me', body, type)
          const a = await send(req)
          const where = show(req)
          assertWellFormed(a, where)
          const now = (await stored())?.name
          if (a.status !== 200) return assert.equal(now, before, `refused but changed: ${where}`)
          const answered = (JSON.parse(a.text) as { user: { name: string } }).user.name
          assert.equal(answered, now, where)
          assert.equal(now, now?.trim(), `${where}: the name is trimmed`)
          assert.ok(codePoints(now ?? '') >= 1 && codePoints(now ?? '') <= 100, `${where}: name 1–100`)
        }),
      )
    })

    it('PUT /api/me/password: any body → no 5xx; only the current password changes it', async () => {
      const fields = {
        current_password: fc.oneof(
          { weight: 1, arbitrary: fc.constant('~current~') },
          { weight: 3, arbitrary: adversarialString },
        ),
        new_password: fc.oneof(
          { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 16, maxLength: 40 }) },
          { weight: 1, arbitrary: fc.oneof(around(8), around(128), adversarialString) },
        ),
      }
      await fuzz(
        fc.asyncProperty(anyBody(fields), contentType, async (template, type) => {
          const body = typeof template === 'string' ? template.replaceAll('~current~', password) : template
          const req = asCat('PUT', '/api/me/password', body, type)
          const a = await send(req)
          const where = show(req)
          assertWellFormed(a, where)
          if (a.status === 204) {
            const input = parseObject(body)
            assert.equal(input?.current_password, password, `changed without the current password: ${where}`)
            password = String(input?.new_password)
          }
        }),
        RUNS / 2,
      )
      assert.ok(await signsIn(password), 'the password the last accepted change set signs in')
    })

    it('DELETE /api/me: any body without the password → no 5xx, and the account stays', async () => {
      const fields = { password: fc.oneof(adversarialString, fc.constantFrom('~almost~', '')) }
      await fuzz(
        fc.asyncProperty(anyBody(fields), contentType, async (template, type) => {
          const body = typeof template === 'string' ? template.replaceAll('~almost~', `${password} `) : template
          const req = asCat('DELETE', '/api/me', body, type)
          const a = await send(req)
          const where = show(req)
          assertWellFormed(a, where)
          assert.ok(a.status >= 400, `deleted without the password: ${where}`)
          assert.ok(await stored(), `the account is gone: ${where}`)
        }),
        RUNS / 2,
      )
      assert.ok(await signsIn(password))
    })

    for (const [path, fields] of [
      ['/api/auth/verify-email', { token: adversarialString }],
      ['/api/auth/verify-email/resend', { email: fc.oneof(validEmail, adversarialString) }],
      ['/api/auth/password-reset', { email: fc.oneof(validEmail, adversarialString) }],
      ['/api/auth/password-reset/confirm', { token: adversarialString, new_password: adversarialString }],
    ] as const) {
      it(`POST ${path}: any body → no 5xx, and no forged token is accepted`, async () => {
        await fuzz(
          fc.asyncProperty(anyBody(fields), contentType, async (body, type) => {
            const req = { method: 'POST', path, headers: { 'content-type': type }, body }
            const a = await send(req)
            const where = show(req)
            assertWellFormed(a, where)
            if (path.endsWith('/resend') || path.endsWith('/password-reset')) {
              if (a.status < 300) assert.equal(a.status, 202, where)
            } else {
              assert.ok(a.status >= 400, `a made-up token was accepted: ${where}`)
            }
          }),
          RUNS / 2,
          // A NUL in a token once reached PostgreSQL (which refuses it in text) and was a 500.
          [
            [
              JSON.stringify({ token: 'a\u0000b', ...(path.endsWith('/confirm') ? { new_password: password } : {}) }),
              'application/json',
            ],
          ],
        )
        assert.ok(await signsIn(password), 'the account is as it was')
      })
    }

    it('GET /api/me/events?… and DELETE /api/me/sessions/{id}: any input → no 5xx; own data only', async () => {
      const query = fc.array(
        fc.tuple(fc.constantFrom('limit', 'LIMIT', 'cursor', '__proto__'), fc.oneof(text(8), fc.integer().map(String))),
        { maxLength: 3 },
      )
      await fuzz(
        fc.asyncProperty(query, text(40), async (pairs, id) => {
          const qs = new URLSearchParams(pairs.map(([k, v]) => [k, v.replace(/[\uD800-\uDFFF]/g, 'x')]))
          const list = { method: 'GET', path: `/api/me/events?${qs}`, headers: auth(cat) }
          const a = await send(list)
          assertWellFormed(a, show(list))
          if (a.status === 200) assert.ok(!a.text.includes(bystander.user.id), show(list))
          const sessionPath = `/api/me/sessions/${encodeURIComponent(id.replace(/[\uD800-\uDFFF]/g, 'x'))}`
          const revoke = { method: 'DELETE', path: sessionPath, headers: auth(cat) }
          const r = await send(revoke)
          assertWellFormed(r, show(revoke))
          assert.ok(r.status >= 400, `a made-up session id ended something: ${show(revoke)}`)
        }),
        RUNS / 2,
      )
      const me = await t.get('/api/me', cat.token)
      assert.equal(me.status, 200, 'still signed in')
    })
  })
})

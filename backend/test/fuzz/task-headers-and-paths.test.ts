/**
 * Fuzzing the headers and path segments of the task routes: garbage credentials, content
 * types and path segments never reach another user's data.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import { type SignedIn, STRONG_PASSWORD } from '../support/harness.js'
import { annAndBobWithATask, auth, base, createTask, describeFuzzing, rowsOf, send, show } from './app.js'
import { isJsonType, JSON_TYPES, NOT_JSON_TYPES, text } from './arbitraries.js'
import { assertWellFormed, type Task } from './checks.js'
import { fuzz, RUNS } from './run.js'

describeFuzzing((t) => {
  describe('tasks', () => {
    let bob: SignedIn
    let bobTask: Task
    before(async () => ({ bob, bobTask } = await annAndBobWithATask()))

    it('garbage Authorization (or Cookie) → 401 problem with WWW-Authenticate, and nothing stored', async () => {
      const me = await t.signup()
      const tokenChars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      const tampered = fc.tuple(fc.nat(), fc.integer({ min: 1, max: tokenChars.length - 1 })).map(([at, shift]) => {
        const token = me.token
        // Not the last character: its spare bits may decode to the same signature.
        const i = at % (token.length - 1)
        const c = token[i] as string
        const replacement =
          c === '.' ? 'A' : (tokenChars[(tokenChars.indexOf(c) + shift) % tokenChars.length] as string)
        return token.slice(0, i) + replacement + token.slice(i + 1)
      })
      const [header, payload] = me.token.split('.') as [string, string]
      const noneAlg = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`
      const latin1 = fc.string({
        unit: fc
          .integer({ min: 0x20, max: 0xff })
          .filter((c) => c !== 0x7f)
          .map((c) => String.fromCharCode(c)),
        maxLength: 200,
      })
      const garbage = fc.oneof(
        latin1,
        latin1.map((s) => `Bearer ${s}`),
        tampered.map((s) => `Bearer ${s}`),
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          `Bearer ${noneAlg}`,
          `Bearer ${header}.${payload}`,
          `Bearer ${me.token} ${me.token}`,
          `Bearer ${me.token},x`,
          `Bearer${me.token}`,
          `Basic ${Buffer.from(`${me.user.email}:${STRONG_PASSWORD}`).toString('base64')}`,
          `Token ${me.token}`,
          `Bearer ${me.session_token.slice(0, -1)}`,
          `Bearer ${bob.session_token}x`,
          `Bearer ${'a'.repeat(7000)}`,
        ),
      )
      const withCookie = fc.oneof(
        fc.constant<string | undefined>(undefined),
        latin1.map((s) => `better-auth.session_token=${s}`),
        fc.constant(`better-auth.session_token=${me.session_token}`),
      )
      const target = await createTask(me, { title: 'header target' })
      const routes = fc.constantFrom(
        { method: 'GET', path: `${base(me)}` },
        { method: 'POST', path: `${base(me)}`, body: JSON.stringify({ title: 'via garbage' }) },
        { method: 'PATCH', path: `${base(me)}/${target.id}/complete` },
        { method: 'PUT', path: `${base(me)}/${target.id}`, body: JSON.stringify({ title: 'via garbage' }) },
        { method: 'DELETE', path: `${base(me)}/${target.id}` },
        { method: 'GET', path: '/api/me' },
        { method: 'GET', path: '/api/auth/token' },
      )
      await fuzz(
        fc.asyncProperty(routes, garbage, withCookie, async (route, authorization, cookie) => {
          const rowsBefore = await rowsOf(me.user.id)
          const req = {
            ...route,
            headers: {
              authorization,
              cookie,
              ...(route.body ? { 'content-type': 'application/json' } : {}),
            },
          }
          const a = await send(req)
          const where = show(req)
          assertWellFormed(a, where)
          assert.equal(a.status, 401, `garbage credentials are refused: ${where}`)
          assert.deepEqual(await rowsOf(me.user.id), rowsBefore, `nothing stored: ${where}`)
        }),
      )
      // A garbage cookie without Authorization is no credential either.
      await fuzz(
        fc.asyncProperty(routes, latin1, async (route, cookieValue) => {
          const rowsBefore = await rowsOf(me.user.id)
          const req = {
            ...route,
            headers: {
              cookie: `better-auth.session_token=${cookieValue}`,
              ...(route.body ? { 'content-type': 'application/json' } : {}),
            },
          }
          const a = await send(req)
          const where = show(req)
          assertWellFormed(a, where)
          assert.equal(a.status, 401, where)
          assert.deepEqual(await rowsOf(me.user.id), rowsBefore, where)
        }),
        RUNS / 2,
      )
    })

    it('Content-Type variants on create: JSON media types are 201, others 415 and store nothing', async () => {
      const me = await t.signup()
      const JSON_OK = [...JSON_TYPES, 'application/json;charset=UTF-8', 'application/vnd.api+json', 'APPLICATION/JSON ']
      const NOT_JSON = [...NOT_JSON_TYPES, 'application/json-seq', 'text/plain; a=application/json', '']
      const variant = fc.oneof(
        fc.constantFrom(...JSON_OK),
        fc.constantFrom(...NOT_JSON),
        fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
        fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map((s) => `application/json; ${s}`),
        fc.constantFrom(
          'application/json;',
          'application/json; ',
          'application/json; charset',
          'application/json ;a=b',
        ),
      )
      await fuzz(
        fc.asyncProperty(variant, async (type) => {
          const rowsBefore = await rowsOf(me.user.id)
          const req = {
            method: 'POST',
            path: base(me),
            headers: { ...auth(me), 'content-type': type },
            body: JSON.stringify({ title: 'typed' }),
          }
          const a = await send(req)
          const where = show(req)
          assertWellFormed(a, where)
          // The usual JSON types are accepted, anything not JSON is a 415, and odd parameters
          // may go either way (but never to a 5xx).
          if (JSON_OK.includes(type)) assert.equal(a.status, 201, `${where} → ${a.text}`)
          else if (NOT_JSON.includes(type) || !isJsonType(type)) assert.equal(a.status, 415, `${where} → ${a.text}`)
          else assert.ok(a.status === 201 || a.status === 415, `${where} → ${a.status} ${a.text}`)
          const added = (await rowsOf(me.user.id)).length - rowsBefore.length
          assert.equal(added, a.status === 201 ? 1 : 0, where)
        }),
        RUNS,
        [['application/json; '], ['application/json;'], ['application/json ;charset=utf-8']],
      )
    })

    it('random path segments → no 5xx, never another user’s data, nothing changed but by a 2xx', async () => {
      const me = await t.signup()
      let targetId = (await createTask(me, { title: 'path target' })).id
      const TARGET = '~target~'
      const segment = fc.oneof(
        {
          weight: 4,
          arbitrary: fc.constantFrom(me.user.id, bob.user.id, 'tasks', TARGET, bobTask.id, 'complete', 'me'),
        },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            '',
            '.',
            '..',
            '%',
            '%00',
            '%2e%2e',
            '%2F',
            '%ZZ',
            '%C0%AF',
            '%ED%A0%80',
            '%FF',
            encodeURIComponent(`${me.user.id}\u0000`),
            encodeURIComponent(` ${me.user.id}`),
            me.user.id.toUpperCase(),
            `${TARGET}%00`,
            'x'.repeat(1000),
            ';',
            '*',
          ),
        },
        { weight: 2, arbitrary: text(20).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, 'x'))) },
      )
      const path = fc.oneof(
        // The shape of a task route, with any part swapped out.
        fc
          .tuple(
            segment,
            fc.constantFrom('tasks', 'tasks', 'Tasks', ''),
            segment,
            fc.option(segment, { nil: undefined }),
          )
          .map(([user, tasks, id, rest]) => `/api/${user}/${tasks}/${id}${rest === undefined ? '' : `/${rest}`}`),
        fc.tuple(segment, fc.constantFrom('', '/', '//')).map(([user, tail]) => `/api/${user}/tasks${tail}`),
        fc.array(segment, { minLength: 0, maxLength: 5 }).map((segments) => `/api/${segments.join('/')}`),
        fc.array(segment, { minLength: 1, maxLength: 3 }).map((segments) => `/${segments.join('/')}`),
      )
      const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS')
      const bobRowsBefore = await rowsOf(bob.user.id)
      await fuzz(
        fc.asyncProperty(method, path, async (m, template) => {
          const p = template.replaceAll(TARGET, targetId)
          const rowsBefore = await rowsOf(me.user.id)
          // A body no write accepts, so a 2xx could only come from a read, a toggle or a delete.
          const hasBody = m === 'POST' || m === 'PUT' || m === 'PATCH'
          const req = {
            method: m,
            path: p,
            headers: {
              ...auth(me),
              ...(hasBody && !p.endsWith('complete') ? { 'content-type': 'application/json' } : {}),
            },
            body: hasBody && !p.endsWith('complete') ? '{}' : undefined,
          }
          const a = await send(req)
          const where = show(req)
          assertWellFormed(a, where)
          for (const foreign of [bob.user.id, bobTask.id, bob.user.email]) {
            assert.ok(!a.text.includes(foreign), `another user's data in the answer: ${where}`)
          }
          if (a.status >= 300 || m === 'GET' || m === 'HEAD' || m === 'OPTIONS') {
            assert.deepEqual(await rowsOf(me.user.id), rowsBefore, `changed without a 2xx write: ${where}`)
          }
          if (m === 'DELETE' && a.status === 204) {
            // The one target a delete may hit; put it back for the runs that follow.
            assert.deepEqual(
              (await rowsOf(me.user.id)).map((r) => r.id),
              rowsBefore.map((r) => r.id).filter((id) => id !== targetId),
              where,
            )
            targetId = (await createTask(me, { title: 'path target' })).id
          }
        }),
        2 * RUNS,
      )
      assert.deepEqual(await rowsOf(bob.user.id), bobRowsBefore, "another user's tasks are untouched")
    })
  })
})

/**
 * Request bodies (API.md "Conventions"): the body limit, JSON media types, and bodies over the limit.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readProblem } from '../../testkit/problem.js'
import { describeWithApp, STRONG_PASSWORD, uniqueEmail } from '../support/harness.js'
import { APP_ORIGIN, KIB, rawPost } from './support.js'

describeWithApp('HTTP conventions', { CORS_ORIGINS: APP_ORIGIN }, (t) => {
  const postRaw = rawPost(t)

  describe('request bodies', () => {
    it('answers a body over 64 KiB with a 413 problem the client can read, then serves new connections', async () => {
      for (const size of [65 * KIB, 5 * KIB * KIB]) {
        const body = JSON.stringify({ email: uniqueEmail('big'), password: 'x'.repeat(size) })
        const res = await postRaw('/api/auth/signup', body, 'application/json')
        assert.equal(res.status, 413, `${size} bytes with Content-Length`)
        assert.equal((await readProblem(res)).status, 413)

        // Without Content-Length (chunked), the limit is enforced while reading.
        const stream = new Blob([body]).stream()
        const chunked = await t.fetch('/api/auth/signup', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: stream,
          duplex: 'half',
        } as RequestInit)
        assert.equal(chunked.status, 413, `${size} bytes chunked`)
        assert.equal((await readProblem(chunked)).status, 413)
      }
      const baRes = await postRaw(
        '/api/auth/sign-up/email',
        JSON.stringify({ email: uniqueEmail('big'), password: 'x'.repeat(100 * KIB), name: 'Big' }),
        'application/json',
      )
      assert.equal(baRes.status, 413, "Better Auth's routes have the same limit")
      await readProblem(baRes)

      // The server is fine afterwards.
      assert.equal((await t.fetch('/healthz')).status, 200)
      await t.signup()
    })

    it('accepts a body of exactly 64 KiB (the limit is inclusive)', async () => {
      const skeleton = JSON.stringify({ email: uniqueEmail('edge'), password: '' })
      const body = skeleton.replace('"password":""', `"password":"${'x'.repeat(64 * KIB - skeleton.length)}"`)
      assert.equal(Buffer.byteLength(body), 64 * KIB)
      const res = await postRaw('/api/auth/signup', body, 'application/json')
      assert.equal(res.status, 422, 'read and validated (password too long), not refused for size')
      const over = await postRaw('/api/auth/signup', `${body} `, 'application/json')
      assert.equal(over.status, 413)
    })

    it('answers 415 when the body is not JSON', async () => {
      const json = JSON.stringify({ email: uniqueEmail(), password: STRONG_PASSWORD })
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const res = await postRaw('/api/auth/signup', json, type)
        assert.equal(res.status, 415, type)
        assert.equal((await readProblem(res)).status, 415)
      }
      const untyped = await postRaw('/api/auth/signin', new Blob([json]))
      assert.equal(untyped.status, 415, 'no Content-Type')
      await readProblem(untyped)
      // A JSON media type with parameters or a +json suffix is JSON.
      const withCharset = await postRaw('/api/auth/signin', json, 'application/json; charset=utf-8')
      assert.equal(withCharset.status, 401)
    })

    it('answers 400 for malformed JSON, an empty body and bytes that are not UTF-8', async () => {
      const cases: [string, BodyInit][] = [
        ['truncated JSON', '{"email": "a@example.com", "password": '],
        ['trailing comma', '{"email": "a@example.com",}'],
        ['empty body', ''],
        ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
      ]
      for (const [what, body] of cases) {
        const res = await postRaw('/api/auth/signup', body, 'application/json')
        assert.equal(res.status, 400, what)
        const doc = await readProblem(res)
        assert.equal(doc.status, 400)
        assert.doesNotMatch(JSON.stringify(doc), /SyntaxError|at JSON\.parse|Unexpected token/, 'no parser internals')
      }
    })
  })
})

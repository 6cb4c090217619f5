/**
 * Routing: unknown routes and methods answer with problem documents.
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import { APP_ORIGIN } from './support.js'

describeWithApp('HTTP conventions', { CORS_ORIGINS: APP_ORIGIN }, (t) => {
  describe('routing', () => {
    it('answers unknown routes with a 404 problem', async () => {
      for (const [method, path] of [
        ['GET', '/nope'],
        ['GET', '/api/nope'],
        ['POST', '/api/nope/deeper'],
        ['DELETE', '/healthz/x'],
      ] as const) {
        const res = await t.fetch(path, { method })
        assert.equal(res.status, 404, `${method} ${path}`)
        const doc = await readProblem(res)
        assert.equal(doc.status, 404)
        assert.equal(doc.title, 'Not Found')
      }
    })

    it('answers a wrong method on an auth route with 405 and Allow', async () => {
      for (const [method, path] of [
        ['PUT', '/api/auth/sign-in/email'],
        ['DELETE', '/api/auth/sign-up/email'],
        ['PATCH', '/api/auth/signup'],
      ] as const) {
        const res = await t.fetch(path, { method, headers: { 'content-type': 'application/json' }, body: '{}' })
        assert.equal(res.status, 405, `${method} ${path}`)
        assert.match(res.headers.get('allow') ?? '', /POST/)
        assert.equal((await readProblem(res)).status, 405)
      }
    })
  })
})

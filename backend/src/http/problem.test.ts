/**
 * RFC 9457 problem documents (API.md "Errors"): the shape of every error answer, the helpers
 * that name each status, and how `onError` maps what it did not throw itself. No app, no database.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { assertProblem } from '../../testkit/problem.js'
import type { AppEnv } from './env.js'
import {
  badRequest,
  conflict,
  forbidden,
  HttpError,
  isDatabaseUnavailable,
  notFound,
  onError,
  problemBody,
  problemResponse,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  unprocessable,
} from './problem.js'

/** A context with a logger that remembers what it was told, which is all `onError` reads. */
function fakeContext() {
  const logged: { level: string; message: string }[] = []
  const log = {
    warn: (_: unknown, message: string) => logged.push({ level: 'warn', message }),
    error: (_: unknown, message: string) => logged.push({ level: 'error', message }),
  }
  return { c: { var: { log } } as unknown as Context<AppEnv>, logged }
}

describe('problemBody', () => {
  it('is type about:blank, the title and the status, with detail, code and errors only when given', () => {
    assert.deepEqual(problemBody(404, 'Not Found'), { type: 'about:blank', title: 'Not Found', status: 404 })
    const errors = [{ field: 'title', message: 'Required' }]
    assert.deepEqual(
      problemBody(422, 'Unprocessable Content', { detail: 'd', code: 'C', errors, cause: new Error('x') }),
      {
        type: 'about:blank',
        title: 'Unprocessable Content',
        status: 422,
        detail: 'd',
        code: 'C',
        errors,
      },
    )
  })
})

describe('problemResponse', () => {
  it('answers application/problem+json with the status and the error headers', async () => {
    const res = problemResponse(tooManyRequests(2.2))
    assert.equal(res.headers.get('retry-after'), '3', 'whole seconds, rounded up')
    await assertProblem(res, 429)
  })

  it('never says more than the title, detail, code and errors: the cause stays inside', async () => {
    const res = problemResponse(new HttpError(400, 'Bad Request', { cause: new Error('select * from secrets') }))
    const text = await res.clone().text()
    assert.doesNotMatch(text, /select|secrets/)
    await assertProblem(res, 400)
  })
})

describe('the status helpers', () => {
  it('name each status with its title', async () => {
    const cases: [HttpError, number, string][] = [
      [badRequest('x'), 400, 'Bad Request'],
      [unauthorized(), 401, 'Unauthorized'],
      [forbidden(), 403, 'Forbidden'],
      [notFound('task'), 404, 'Not Found'],
      [conflict('taken'), 409, 'Conflict'],
      [unprocessable([{ field: 'title', message: 'Required' }]), 422, 'Unprocessable Content'],
      [tooManyRequests(60), 429, 'Too Many Requests'],
      [serviceUnavailable(), 503, 'Service Unavailable'],
    ]
    for (const [err, status, title] of cases) {
      assert.equal(err.status, status)
      const body = await assertProblem(problemResponse(err), status, { what: title })
      assert.equal(body.title, title)
    }
  })

  it('a 401 asks for a bearer token; a 429 and a 503 say when to retry', () => {
    assert.equal(unauthorized().extras.headers?.['WWW-Authenticate'], 'Bearer')
    assert.equal(tooManyRequests(0).extras.headers?.['Retry-After'], '1', 'never less than a second')
    assert.equal(serviceUnavailable().extras.headers?.['Retry-After'], '5')
  })

  it('notFound names what was not found', () => {
    assert.equal(notFound('task').extras.detail, 'No such task')
  })
})

describe('onError', () => {
  it('answers an HttpError as its problem document, logging nothing', async () => {
    const { c, logged } = fakeContext()
    await assertProblem(onError(notFound('task'), c), 404)
    assert.deepEqual(logged, [])
  })

  it("keeps the 4xx status of Hono's own exceptions, without their message", async () => {
    const { c } = fakeContext()
    const res = onError(new HTTPException(415, { message: 'internal detail' }), c)
    const body = await assertProblem(res, 415)
    assert.equal(body.title, 'Unsupported Media Type')
    assert.doesNotMatch(JSON.stringify(body), /internal detail/)
  })

  it('answers a write for a user deleted a moment ago (foreign-key violation) with 401', async () => {
    const { c } = fakeContext()
    const err = new Error('insert failed', { cause: Object.assign(new Error('fk'), { code: '23503' }) })
    await assertProblem(onError(err, c), 401)
  })

  it('answers a database that is down with 503 and a warning, anything else with a bare 500 and an error', async () => {
    const down = fakeContext()
    await assertProblem(onError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), down.c), 503)
    assert.deepEqual(
      down.logged.map((l) => l.level),
      ['warn'],
    )
    const bug = fakeContext()
    const body = await assertProblem(onError(new TypeError('x is undefined'), bug.c), 500)
    assert.equal(body.title, 'Internal Server Error')
    assert.deepEqual(
      bug.logged.map((l) => l.level),
      ['error'],
    )
  })
})

describe('isDatabaseUnavailable', () => {
  it('is true for connection errors and PostgreSQL shutdown codes, also wrapped', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '08006']) {
      assert.ok(isDatabaseUnavailable(Object.assign(new Error(code), { code })), code)
    }
    const wrapped = new Error('query failed', { cause: Object.assign(new Error('down'), { code: '57P01' }) })
    assert.ok(isDatabaseUnavailable(wrapped))
    assert.ok(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect')))
    assert.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')))
  })

  it('is false for a query that is wrong, and for anything that is not an error', () => {
    assert.equal(isDatabaseUnavailable(Object.assign(new Error('syntax'), { code: '42601' })), false)
    assert.equal(isDatabaseUnavailable(new Error('boom')), false)
    assert.equal(isDatabaseUnavailable(undefined), false)
  })
})

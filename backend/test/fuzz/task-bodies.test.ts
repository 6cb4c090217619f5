/**
 * Fuzzing task bodies: create, PUT, PATCH and /complete; a refused write changes nothing,
 * an accepted one stores the normalised input.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import type { SignedIn } from '../support/harness.js'
import { annAndBobWithATask, auth, base, createTask, describeFuzzing, rowsOf, send, show, stored } from './app.js'
import {
  anyBody,
  type Body,
  contentType,
  JSON_TYPE,
  parseObject,
  TASK_EXAMPLES,
  TASK_FIELDS,
  VALID_TASK_FIELDS,
} from './arbitraries.js'
import { assertTaskInvariants, assertWellFormed, DEFAULTS, editable, normalised, type Task } from './checks.js'
import { fuzz, RUNS } from './run.js'

describeFuzzing((t) => {
  describe('tasks', () => {
    let ann: SignedIn
    before(async () => ({ ann } = await annAndBobWithATask()))

    it('POST tasks: any body → no 5xx; refused stores nothing, accepted stores the normalised input', async () => {
      await fuzz(
        fc.asyncProperty(anyBody(TASK_FIELDS), contentType, async (body, type) => {
          const before = await rowsOf(ann.user.id)
          const req = { method: 'POST', path: base(ann), headers: { ...auth(ann), 'content-type': type }, body }
          const a = await send(req)
          const where = show(req)
          assertWellFormed(a, where)
          const afterwards = await rowsOf(ann.user.id)
          if (a.status >= 400) {
            assert.deepEqual(afterwards, before, `a refused create stored something: ${where}`)
            return
          }
          assert.equal(a.status, 201, where)
          assert.equal(afterwards.length, before.length + 1, `exactly one task stored: ${where}`)
          const created = JSON.parse(a.text) as Task
          assertTaskInvariants(created, ann.user.id, where)
          const input = parseObject(body) as Record<string, unknown>
          assert.deepEqual(editable(created), normalised(input, DEFAULTS), `stored as the contract says: ${where}`)
          assert.equal(created.completed, false, where)
          assert.equal(a.headers.get('location'), `${base(ann)}/${created.id}`, where)
          assert.deepEqual(stored(afterwards, created.id), created, `stored as answered: ${where}`)
        }),
        RUNS,
        TASK_EXAMPLES,
      )
    })

    it('POST tasks: well-formed bodies are accepted and stored as sent', async () => {
      await fuzz(
        fc.asyncProperty(fc.record(VALID_TASK_FIELDS, { requiredKeys: ['title'] }), async (input) => {
          const req = {
            method: 'POST',
            path: base(ann),
            headers: { ...auth(ann), 'content-type': 'application/json' },
            body: JSON.stringify(input),
          }
          const a = await send(req)
          assert.equal(a.status, 201, `${show(req)} → ${a.text}`)
          const created = JSON.parse(a.text) as Task
          assertTaskInvariants(created, ann.user.id, show(req))
          assert.deepEqual(editable(created), normalised(input, DEFAULTS), show(req))
        }),
      )
    })

    for (const method of ['PUT', 'PATCH'] as const) {
      it(`${method} tasks/{id}: any body → no 5xx; refused changes nothing, accepted stores the input`, async () => {
        const me = await t.signup()
        const target = await createTask(me, { title: `${method} target`, tags: ['start'], priority: 'high' })
        await createTask(me, { title: 'bystander' })
        await fuzz(
          fc.asyncProperty(anyBody(TASK_FIELDS), contentType, async (body, type) => {
            const rowsBefore = await rowsOf(me.user.id)
            const before = stored(rowsBefore, target.id)
            const req = {
              method,
              path: `${base(me)}/${target.id}`,
              headers: { ...auth(me), 'content-type': type },
              body,
            }
            const a = await send(req)
            const where = show(req)
            assertWellFormed(a, where)
            const rowsAfter = await rowsOf(me.user.id)
            if (a.status >= 400) {
              assert.deepEqual(rowsAfter, rowsBefore, `a refused ${method} changed something: ${where}`)
              return
            }
            assert.equal(a.status, 200, where)
            const updated = JSON.parse(a.text) as Task
            assertTaskInvariants(updated, me.user.id, where)
            const input = parseObject(body) as Record<string, unknown>
            const expected = normalised(input, method === 'PUT' ? DEFAULTS : editable(before))
            assert.deepEqual(editable(updated), expected, `stored as the contract says: ${where}`)
            assert.equal(updated.id, before.id, where)
            assert.equal(updated.created_at, before.created_at, where)
            assert.equal(updated.completed, before.completed, where)
            assert.equal(updated.completed_at, before.completed_at, where)
            assert.ok(updated.updated_at >= before.updated_at, where)
            assert.deepEqual(stored(rowsAfter, target.id), updated, `stored as answered: ${where}`)
            assert.deepEqual(
              rowsAfter.filter((r) => r.id !== target.id),
              rowsBefore.filter((r) => r.id !== target.id),
              `other tasks untouched: ${where}`,
            )
          }),
          RUNS,
          [...TASK_EXAMPLES, ['{}', JSON_TYPE], ['{"tags":null}', JSON_TYPE], ['{"due_at":null}', JSON_TYPE]],
        )
      })
    }

    it('PATCH tasks/{id}/complete: any body or none → no 5xx; refused changes nothing', async () => {
      const me = await t.signup()
      const target = await createTask(me, { title: 'complete target' })
      const completeBody = fc.oneof(
        { weight: 2, arbitrary: fc.constant<Body>(undefined) },
        { weight: 2, arbitrary: fc.boolean().map((completed) => JSON.stringify({ completed })) },
        { weight: 6, arbitrary: anyBody({ completed: fc.oneof(fc.boolean(), fc.constantFrom('true', 1, 0)) }) },
      )
      const completeType = fc.oneof(
        { weight: 3, arbitrary: contentType },
        { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
      )
      await fuzz(
        fc.asyncProperty(completeBody, completeType, async (body, type) => {
          const rowsBefore = await rowsOf(me.user.id)
          const before = stored(rowsBefore, target.id)
          const req = {
            method: 'PATCH',
            path: `${base(me)}/${target.id}/complete`,
            headers: { ...auth(me), 'content-type': type },
            body,
          }
          const a = await send(req)
          const where = show(req)
          assertWellFormed(a, where)
          const rowsAfter = await rowsOf(me.user.id)
          if (a.status >= 400) {
            assert.deepEqual(rowsAfter, rowsBefore, `a refused completion changed something: ${where}`)
            return
          }
          assert.equal(a.status, 200, where)
          const updated = JSON.parse(a.text) as Task
          assertTaskInvariants(updated, me.user.id, where)
          const input = parseObject(body)
          // No body, or one that sets nothing ({}), toggles; { completed } sets. fetch labels a
          // string body text/plain, so an accepted request with a body was JSON.
          const setsNothing = body === undefined || body.length === 0 || input?.completed === undefined
          const expected = setsNothing ? !before.completed : input?.completed
          assert.equal(updated.completed, expected, where)
          if (updated.completed && before.completed) assert.equal(updated.completed_at, before.completed_at, where)
          assert.deepEqual(editable(updated), editable(before), `completion changes nothing else: ${where}`)
          assert.deepEqual(stored(rowsAfter, target.id), updated, `stored as answered: ${where}`)
        }),
        RUNS,
        [
          [undefined, undefined],
          [undefined, JSON_TYPE],
          ['', undefined],
          ['{"completed":true}', JSON_TYPE],
          ['{"completed":true}', 'application/json; '],
          ['{"completed":"true"}', JSON_TYPE],
          ['{"completed":null}', JSON_TYPE],
          ['{"completed":false,"__proto__":{"completed":true}}', JSON_TYPE],
          ['null', JSON_TYPE],
        ],
      )
    })
  })
})

/**
 * Another user's path (API.md "Task API"): with every credential, one's own routes work and
 * every route of another user's path is 403, revealing and changing nothing.
 */

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { it } from 'node:test'
import { readProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import {
  annAndBob,
  credential,
  describeEachCredential,
  everyRoute,
  everyRouteWithBadInput,
  everything,
  type Page,
  type Route,
  secretsOf,
  send,
  type Task,
} from './isolation-support.js'

describeWithApp('task isolation between users', {}, (t) => {
  describeEachCredential((kind) => {
    it("works on every route of one's own (the control for the refusals below)", async () => {
      const ann = await t.signup()
      const h = credential(ann, kind)
      const base = `/api/${ann.user.id}/tasks`
      const created = await send(t, h, 'POST', base, { json: { title: 'Mine', tags: ['x'] } })
      assert.equal(created.status, 201)
      const task = (await created.json()) as Task
      assert.equal(task.user_id, ann.user.id)
      const listed = await send(t, h, 'GET', `${base}?tag=x`)
      assert.equal(listed.status, 200)
      assert.deepEqual(((await listed.json()) as Page).items, [task])
      assert.equal((await send(t, h, 'GET', `${base}/${task.id}`)).status, 200)
      assert.equal((await send(t, h, 'PUT', `${base}/${task.id}`, { json: { title: 'Mine, renamed' } })).status, 200)
      assert.equal((await send(t, h, 'PATCH', `${base}/${task.id}`, { json: { priority: 'high' } })).status, 200)
      assert.equal((await send(t, h, 'PATCH', `${base}/${task.id}/complete`)).status, 200)
      const set = await send(t, h, 'PATCH', `${base}/${task.id}/complete`, { json: { completed: false } })
      assert.equal(set.status, 200)
      assert.deepEqual(
        { ...((await set.json()) as Task), updated_at: '' },
        { ...task, title: 'Mine, renamed', priority: 'high', tags: [], updated_at: '' },
      )
      assert.equal((await send(t, h, 'DELETE', `${base}/${task.id}`)).status, 204)
      assert.deepEqual(await everything(t, ann), [])
    })

    it("gives Bob 403 on every route of Ann's path, revealing nothing and changing nothing", async () => {
      const { ann, bob, annTasks } = await annAndBob(t)
      const annBefore = await everything(t, ann)
      const h = credential(bob, kind)
      const secrets = secretsOf(ann, annTasks)
      const stranger = `user-${randomUUID().slice(0, 8)}`
      const annTask = annTasks[0]?.id as string
      const cases: [Route, Route][] = [
        ...everyRoute(ann.user.id, annTask).map((r, i) => [r, everyRoute(stranger, annTask)[i]] as [Route, Route]),
        ...everyRoute(ann.user.id, randomUUID()).map(
          (r, i) => [r, everyRoute(stranger, randomUUID())[i]] as [Route, Route],
        ),
        ...everyRouteWithBadInput(ann.user.id, annTask).map(
          (r, i) => [r, everyRouteWithBadInput(stranger, annTask)[i]] as [Route, Route],
        ),
      ]
      for (const [route, strangerRoute] of cases) {
        const res = await send(t, h, route.method, route.path, route.body)
        const text = await res.clone().text()
        assert.equal(res.status, 403, `${route.name}: ${res.status} ${text}`)
        const body = await readProblem(res)
        assert.equal(body.status, 403)
        assert.equal(body.errors, undefined, `${route.name}: no field errors for a path one may not use`)
        for (const secret of secrets) assert.ok(!text.includes(secret), `${route.name}: leaks ${secret}`)
        // Ann's path answers exactly as a path of no one at all does.
        const other = await send(t, h, strangerRoute.method, strangerRoute.path, strangerRoute.body)
        assert.equal(other.status, 403, strangerRoute.name)
        assert.deepEqual(await other.json(), body, `${route.name}: the same answer as for a user who does not exist`)
        assert.equal(res.headers.get('location'), null)
      }

      // Nor can Bob plant a task with Ann's id in the body.
      const planted = await send(t, h, 'POST', `/api/${bob.user.id}/tasks`, {
        json: { title: 'Planted', user_id: ann.user.id },
      })
      assert.equal(planted.status, 422)

      assert.deepEqual(await everything(t, ann), annBefore, "nothing of Ann's changed")
      assert.equal((await everything(t, bob)).length, 3, 'and nothing was created for Bob')
    })
  })
})

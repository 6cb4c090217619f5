/**
 * Without valid credentials, or once signed out, every task route is 401 with
 * WWW-Authenticate: Bearer.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { readProblem } from '../../testkit/problem.js'
import { describeWithApp } from '../support/harness.js'
import {
  annAndBob,
  CREDENTIALS,
  create,
  credential,
  describeEachCredential,
  everyRoute,
  everyRouteWithBadInput,
  everything,
  type Headers,
  secretsOf,
  send,
} from './isolation-support.js'

describeWithApp('task isolation between users', {}, (t) => {
  describeEachCredential((kind) => {
    it(`refuses every route with 401 once the session is signed out (sign-out by ${kind})`, async () => {
      const ann = await t.signup()
      const bob = await t.signup()
      const annTask = await create(t, ann, { title: 'Still here' })
      const out = await send(t, credential(ann, kind), 'POST', '/api/auth/signout')
      assert.equal(out.status, 204)
      for (const other of CREDENTIALS) {
        for (const route of everyRoute(ann.user.id, annTask.id)) {
          const res = await send(t, credential(ann, other), route.method, route.path, route.body)
          assert.equal(res.status, 401, `${other}, ${route.name}: ${res.status}`)
          assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${other}, ${route.name}`)
          assert.equal((await readProblem(res)).status, 401)
        }
      }
      // Nothing the refused requests asked for happened, and Bob was not signed out.
      const signin = await t.post('/api/auth/signin', { email: ann.user.email, password: ann.password })
      assert.equal(signin.status, 200)
      const again = { ...ann, token: ((await signin.json()) as { token: string }).token }
      assert.deepEqual(await everything(t, again), [annTask])
      assert.equal((await send(t, credential(bob, kind), 'GET', `/api/${bob.user.id}/tasks`)).status, 200)
    })
  })

  it('refuses every route with 401 and WWW-Authenticate: Bearer without valid credentials', async () => {
    const { ann, annTasks } = await annAndBob(t)
    const annBefore = await everything(t, ann)
    const annTask = annTasks[0]?.id as string
    const invalid: [string, Headers][] = [
      ['no credentials', {}],
      ['an empty bearer', { authorization: 'Bearer ' }],
      ['a garbage bearer', { authorization: 'Bearer garbage' }],
      ['a garbage JWT', { authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln' }],
      ['a tampered access token', { authorization: `Bearer ${ann.token.slice(0, -4)}AAAA` }],
      ['a tampered session token', { authorization: `Bearer ${ann.session_token}x` }],
      ['basic auth', { authorization: `Basic ${Buffer.from(`${ann.user.email}:${ann.password}`).toString('base64')}` }],
      ['a garbage cookie', { cookie: 'better-auth.session_token=garbage' }],
      ['an unrelated cookie', { cookie: 'theme=dark' }],
    ]
    for (const [what, headers] of invalid) {
      for (const route of [...everyRoute(ann.user.id, annTask), ...everyRouteWithBadInput(ann.user.id, annTask)]) {
        const res = await send(t, headers, route.method, route.path, route.body)
        const text = await res.clone().text()
        assert.equal(res.status, 401, `${what}, ${route.name}: ${res.status} ${text}`)
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${what}, ${route.name}`)
        assert.equal((await readProblem(res)).status, 401)
        for (const secret of secretsOf(ann, annTasks).filter((s) => s !== ann.user.id)) {
          assert.ok(!text.includes(secret), `${what}, ${route.name}: leaks ${secret}`)
        }
      }
    }
    assert.deepEqual(await everything(t, ann), annBefore, 'nothing changed')
  })
})

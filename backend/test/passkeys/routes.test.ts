/**
 * API.md "Better Auth's routes" and "Operations": our passkey routes are the one way in with a
 * passkey (Better Auth's `passkey/*` plugin paths are 404), and /api/openapi.json describes
 * them from the schemas that validate them.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { BEHIND_PROXY } from '../support/account.js'
import { call, freshClient } from '../support/clients.js'
import { describeWithApp } from '../support/harness.js'

const BETTER_AUTH_PASSKEY_PATHS = [
  ['GET', '/api/auth/passkey/generate-register-options'],
  ['POST', '/api/auth/passkey/verify-registration'],
  ['GET', '/api/auth/passkey/generate-authenticate-options'],
  ['POST', '/api/auth/passkey/generate-authenticate-options'],
  ['POST', '/api/auth/passkey/verify-authentication'],
  ['GET', '/api/auth/passkey/list-user-passkeys'],
  ['POST', '/api/auth/passkey/delete-passkey'],
  ['POST', '/api/auth/passkey/update-passkey'],
  ['POST', '/api/auth/sign-in/passkey'],
] as const

const OUR_ROUTES = [
  ['post', '/api/me/passkeys/options', ['password']],
  ['post', '/api/me/passkeys', ['credential', 'name']],
  ['get', '/api/me/passkeys', null],
  ['patch', '/api/me/passkeys/{id}', ['name']],
  ['delete', '/api/me/passkeys/{id}', null],
  ['post', '/api/auth/passkey/options', []],
  ['post', '/api/auth/passkey/verify', ['credential']],
] as const

type Schema = { $ref?: string; properties?: Record<string, Schema>; additionalProperties?: unknown }
type Operation = {
  operationId?: string
  security?: unknown[]
  responses: Record<string, unknown>
  requestBody?: { content: Record<string, { schema: Schema }> }
}
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } }

describeWithApp('passkey routes', BEHIND_PROXY, (t) => {
  for (const [method, path] of BETTER_AUTH_PASSKEY_PATHS) {
    it(`Better Auth's ${method} ${path} is not exposed: 404`, async () => {
      const res = await call(t, method, path, { client: freshClient(), ...(method === 'POST' ? { body: {} } : {}) })
      await assertProblem(res, 404)
    })
  }

  it('the OpenAPI document has every passkey route, with its operation id, errors and strict bodies', async () => {
    const doc = (await (await t.get('/api/openapi.json')).json()) as Document
    const resolve = (s: Schema | undefined) => (s?.$ref ? doc.components.schemas[s.$ref.split('/').pop() as string] : s)
    for (const [method, path, fields] of OUR_ROUTES) {
      const operation = doc.paths[path]?.[method]
      assert.ok(operation, `${method} ${path} is missing`)
      assert.ok(operation.operationId, `${method} ${path}: operationId`)
      const statuses = Object.keys(operation.responses)
      assert.ok(
        statuses.some((s) => s.startsWith('2')),
        `${method} ${path}: a success`,
      )
      if (path.startsWith('/api/me/')) {
        assert.ok(statuses.includes('401') && operation.security?.length, `${method} ${path}: credentials`)
      }
      if (fields === null) continue
      const body = resolve(operation.requestBody?.content['application/json']?.schema)
      assert.deepEqual(Object.keys(body?.properties ?? {}).sort(), [...fields].sort(), `${method} ${path}: body`)
      assert.equal(body?.additionalProperties, false, `${method} ${path}: strict`)
      assert.ok(statuses.includes('422'), `${method} ${path}: 422`)
    }
    const verify = doc.paths['/api/auth/passkey/verify']?.post as Operation
    assert.ok(Object.keys(verify.responses).includes('401'))
    assert.ok(Object.keys(doc.paths['/api/auth/passkey/options']?.post?.responses ?? {}).includes('429'))
    for (const name of ['RegistrationResponseJSON', 'AuthenticationResponseJSON']) {
      const credential = doc.components.schemas[name]
      assert.ok(credential, `${name} is described`)
      assert.notEqual(credential.additionalProperties, false, `${name}: unknown members are ignored, not refused`)
    }
    assert.deepEqual(Object.keys(doc.components.schemas.Passkey?.properties ?? {}).sort(), [
      'backed_up',
      'backup_eligible',
      'created_at',
      'id',
      'last_used_at',
      'name',
    ])
  })
})

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { closeDatabases, startTestApp, type TestApp } from '../support/harness.js'

after(closeDatabases)

/** Every route API.md and decision 009 name, as OpenAPI spells paths. */
const CONTRACT_ROUTES = [
  ['post', '/api/auth/signup'],
  ['post', '/api/auth/signin'],
  ['post', '/api/auth/signout'],
  ['get', '/api/auth/token'],
  ['get', '/api/me'],
  ['get', '/api/{user_id}/tasks'],
  ['post', '/api/{user_id}/tasks'],
  ['get', '/api/{user_id}/tasks/{id}'],
  ['put', '/api/{user_id}/tasks/{id}'],
  ['patch', '/api/{user_id}/tasks/{id}'],
  ['delete', '/api/{user_id}/tasks/{id}'],
  ['patch', '/api/{user_id}/tasks/{id}/complete'],
  ['get', '/healthz'],
  ['get', '/readyz'],
  // Decision 009, the account lifecycle
  ['post', '/api/auth/verify-email'],
  ['post', '/api/auth/verify-email/resend'],
  ['post', '/api/auth/password-reset'],
  ['post', '/api/auth/password-reset/confirm'],
  ['patch', '/api/me'],
  ['put', '/api/me/password'],
  ['delete', '/api/me'],
  ['get', '/api/me/sessions'],
  ['delete', '/api/me/sessions/{id}'],
  ['post', '/api/me/sessions/revoke-others'],
  ['get', '/api/me/events'],
  // API.md "Second factors": TOTP and recovery codes
  ['post', '/api/auth/signin/2fa'],
  ['get', '/api/me/2fa'],
  ['post', '/api/me/2fa/totp'],
  ['post', '/api/me/2fa/totp/confirm'],
  ['delete', '/api/me/2fa/totp'],
  ['post', '/api/me/2fa/recovery-codes'],
  // API.md "Second factors": passkeys
  ['post', '/api/me/passkeys/options'],
  ['post', '/api/me/passkeys'],
  ['get', '/api/me/passkeys'],
  ['patch', '/api/me/passkeys/{id}'],
  ['delete', '/api/me/passkeys/{id}'],
  ['post', '/api/auth/passkey/options'],
  ['post', '/api/auth/passkey/verify'],
] as const

type Operation = { responses: Record<string, unknown>; security?: unknown[]; requestBody?: unknown }
type Document = {
  openapi: string
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, unknown> }
}

describe('the OpenAPI document', () => {
  let t: TestApp
  let doc: Document
  /** A schema, following one `$ref` into the components. */
  const resolve = (schema: { $ref?: string } | undefined): unknown =>
    schema?.$ref ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema
  before(async () => {
    t = await startTestApp('pglite')
    const res = await t.get('/api/openapi.json')
    assert.equal(res.status, 200)
    doc = (await res.json()) as Document
  })
  after(() => t.close())

  it('is OpenAPI 3.1', () => {
    assert.match(doc.openapi, /^3\.1\./)
  })

  for (const [method, path] of CONTRACT_ROUTES) {
    it(`documents ${method.toUpperCase()} ${path} with its error responses`, () => {
      const operation = doc.paths[path]?.[method]
      assert.ok(operation, `${method} ${path} is missing`)
      const statuses = Object.keys(operation.responses)
      assert.ok(
        statuses.some((s) => s.startsWith('2')),
        'a success response',
      )
      const protectedRoute = path.includes('{user_id}') || path === '/api/me' || path.startsWith('/api/me/')
      if (protectedRoute) {
        assert.ok(statuses.includes('401'), '401 documented')
        assert.ok(operation.security?.length, 'security documented')
      }
    })
  }

  it('describes request bodies with the schemas that validate them', () => {
    const create = doc.paths['/api/{user_id}/tasks']?.post?.requestBody as {
      content: Record<string, { schema: { $ref?: string } }>
    }
    assert.equal(create.content['application/json']?.schema.$ref, '#/components/schemas/TaskInput')
    const input = doc.components.schemas.TaskInput as {
      properties: Record<string, unknown>
      additionalProperties?: unknown
    }
    assert.deepEqual(Object.keys(input.properties).sort(), ['description', 'due_at', 'priority', 'tags', 'title'])
    assert.equal(input.additionalProperties, false, 'strict: unknown fields are refused')
    assert.ok(doc.components.schemas.Problem, 'the problem document is described')
  })

  it('describes the account request bodies strictly, with the fields decision 009 names', () => {
    const bodies: [string, string, string[]][] = [
      ['post', '/api/auth/verify-email', ['token']],
      ['post', '/api/auth/verify-email/resend', ['email']],
      ['post', '/api/auth/password-reset', ['email']],
      ['post', '/api/auth/password-reset/confirm', ['new_password', 'token']],
      ['patch', '/api/me', ['name']],
      ['put', '/api/me/password', ['current_password', 'new_password']],
      ['delete', '/api/me', ['password']],
      ['post', '/api/auth/signin/2fa', ['code', 'mfa_token', 'recovery_code']],
      ['post', '/api/me/2fa/totp', ['password']],
      ['post', '/api/me/2fa/totp/confirm', ['code']],
      ['delete', '/api/me/2fa/totp', ['code', 'password', 'recovery_code']],
      ['post', '/api/me/2fa/recovery-codes', ['code', 'password', 'recovery_code']],
    ]
    for (const [method, path, fields] of bodies) {
      const body = doc.paths[path]?.[method]?.requestBody as
        | { content: Record<string, { schema: { $ref?: string } }> }
        | undefined
      const schema = resolve(body?.content['application/json']?.schema) as
        | { properties?: Record<string, unknown>; additionalProperties?: unknown }
        | undefined
      assert.ok(schema?.properties, `${method} ${path}: no request body schema`)
      assert.deepEqual(Object.keys(schema.properties).sort(), fields, `${method} ${path}`)
      assert.equal(schema.additionalProperties, false, `${method} ${path}: strict`)
      const statuses = Object.keys(doc.paths[path]?.[method]?.responses ?? {})
      assert.ok(statuses.includes('422'), `${method} ${path}: 422 documented`)
    }
    for (const [method, path] of [
      ['post', '/api/auth/verify-email/resend'],
      ['post', '/api/auth/password-reset'],
      ['put', '/api/me/password'],
      ['delete', '/api/me'],
    ] as const) {
      assert.ok(Object.keys(doc.paths[path]?.[method]?.responses ?? {}).includes('429'), `${method} ${path}: 429`)
    }
  })

  it('gives the user object email_verified', () => {
    const user = doc.components.schemas.User as { properties: Record<string, unknown> }
    assert.deepEqual(Object.keys(user.properties).sort(), ['created_at', 'email', 'email_verified', 'id', 'name'])
  })

  it('is browsable at /api/docs from this server alone: every script and stylesheet of the page is ours', async () => {
    const res = await t.get('/api/docs')
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /text\/html/)
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'.*script-src 'self'/)
    const page = await res.text()
    const assets = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string)
    assert.ok(assets.length >= 3, `scripts and a stylesheet: ${assets}`)
    let loadsTheDocument = false
    for (const asset of assets) {
      assert.match(asset, /^\/api\/docs\//, 'served here, not from a CDN')
      const file = await t.get(asset)
      assert.equal(file.status, 200, asset)
      const type = asset.endsWith('.css') ? /text\/css/ : asset.endsWith('.png') ? /image\/png/ : /javascript/
      assert.match(file.headers.get('content-type') ?? '', type, asset)
      const text = await file.text()
      assert.ok(text.length > 0, asset)
      loadsTheDocument ||= text.includes("'/api/openapi.json'")
    }
    assert.ok(loadsTheDocument, 'the page loads /api/openapi.json')
    const missing = await t.get('/api/docs/assets/0.0.0/nothing.js')
    assert.equal(missing.status, 404)
    assert.match(missing.headers.get('content-type') ?? '', /application\/problem\+json/)
  })
})

/**
 * Requests to the app under fuzzing and what it stored: `describeFuzzing` (or `useApp(t)` from a
 * `before`), then send, the user's task rows, sign-up checks and the sign-up examples.
 */
import assert from 'node:assert/strict'
import { before } from 'node:test'
import { asc, eq, ilike } from 'drizzle-orm'
import fc from 'fast-check'
import { task as taskTable, user as userTable } from '../../src/db/schema.js'
import { toTaskJson } from '../../src/tasks/queries.js'
import { describeWithApp, type SignedIn, STRONG_PASSWORD, type TestApp } from '../support/harness.js'
import {
  adversarialString,
  around,
  type Body,
  type BodyCase,
  JSON_TYPE,
  parseObject,
  preview,
  text,
} from './arbitraries.js'
import { type Answer, assertNoPollution, assertTimestamp, assertWellFormed, codePoints, type Task } from './checks.js'
import { FRESH, RUN } from './run.js'

let t: TestApp

/** Points these helpers at the describe block's app. */
export function useApp(app: TestApp) {
  t = app
}

/** The fuzz files' describeWithApp: an app per driver, which these helpers point at before its tests. */
export function describeFuzzing(body: (t: TestApp) => void): void {
  describeWithApp('fuzzing every request schema', {}, (app) => {
    before(() => useApp(app))
    body(app)
  })
}

export let emailCount = 0
export const db = () => t.services.database.db

export type Req = { method: string; path: string; headers?: Record<string, string | undefined>; body?: Body }
export async function send(req: Req): Promise<Answer> {
  const headers = Object.fromEntries(
    Object.entries(req.headers ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
  )
  const res = await t.fetch(req.path, { method: req.method, headers, body: req.body as BodyInit | undefined })
  const text = await res.text()
  assertNoPollution(show(req))
  return {
    method: req.method,
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text,
    headers: res.headers,
  }
}
export const show = (req: Req) =>
  `${req.method} ${req.path.slice(0, 300)} ${JSON.stringify(req.headers ?? {}).slice(0, 300)} body=${preview(req.body)}`

/** The user's task rows, as stored. */
export const rowsOf = (userId: string) =>
  db().select().from(taskTable).where(eq(taskTable.userId, userId)).orderBy(asc(taskTable.id))
/** Users made by this file's sign-up fuzzing. */
export const fuzzUsers = async () =>
  (
    await db()
      .select({ email: userTable.email })
      .from(userTable)
      .where(ilike(userTable.email, `%${RUN}%`))
  )
    .map((u) => u.email)
    .sort()

export const auth = (who: SignedIn) => ({ authorization: `Bearer ${who.token}` })
export const base = (who: SignedIn) => `/api/${who.user.id}/tasks`

export async function createTask(who: SignedIn, input: Record<string, unknown>): Promise<Task> {
  const a = await send({
    method: 'POST',
    path: base(who),
    headers: { ...auth(who), 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  assert.equal(a.status, 201, a.text)
  return JSON.parse(a.text) as Task
}

/** Where the task fuzzing starts: Ann, and Bob with a private task of his, signed up in that order. */
export async function annAndBobWithATask(): Promise<{ ann: SignedIn; bob: SignedIn; bobTask: Task }> {
  const ann = await t.signup()
  const bob = await t.signup()
  const bobTask = await createTask(bob, { title: "Bob's", tags: ['private'] })
  return { ann, bob, bobTask }
}

/** A task as stored, in its wire shape. */
export function stored(rows: Awaited<ReturnType<typeof rowsOf>>, id: string): Task {
  const row = rows.find((r) => r.id === id)
  assert.ok(row, `task ${id} is stored`)
  return toTaskJson(row)
}

// -- Sign-up and sign-in -------------------------------------------------------------

export const EMAIL_SHAPES = [
  'plain',
  'upper',
  'padded',
  'plus',
  'subdomain',
  'long',
  'too-long',
  'no-at',
  'two-at',
  'space',
  'nul',
  'unicode',
  'trailing-dot',
] as const
/** A fresh address (one of this file's, by RUN) in a valid or invalid shape. */
export function emailOf(uuid: string, shape: (typeof EMAIL_SHAPES)[number]): string {
  const local = `fz-${RUN}-${uuid.slice(0, 4)}${FRESH}`
  /** A domain (labels of at most 60 characters) that makes the address `total` long. */
  const domain = (total: number) => {
    const labels = `${'a'.repeat(59)}.`.repeat(5).slice(0, total - local.length - 1 - '.com'.length)
    return `${labels.replace(/\.$/, 'a')}.com`
  }
  switch (shape) {
    case 'upper':
      return `${local}@Example.COM`.toUpperCase()
    case 'padded':
      return `  ${local}@example.com\t`
    case 'plus':
      return `${local}+tag@example.com`
    case 'subdomain':
      return `${local}@mail.example.co.uk`
    case 'long':
      return `${local}@${domain(254)}` // 254 characters: the longest allowed
    case 'too-long':
      return `${local}@${domain(255)}`
    case 'no-at':
      return `${local}.example.com`
    case 'two-at':
      return `${local}@@example.com`
    case 'space':
      return `${local} x@example.com`
    case 'nul':
      return `${local}\u0000@example.com`
    case 'unicode':
      return `${local}-é@example.com`
    case 'trailing-dot':
      return `${local}@example.com.`
    default:
      return `${local}@example.com`
  }
}
export const freshEmail = fc
  .tuple(fc.uuid(), fc.constantFrom(...EMAIL_SHAPES))
  .map(([uuid, shape]) => emailOf(uuid, shape))
export const validEmail = fc
  .tuple(fc.uuid(), fc.constantFrom('plain', 'upper', 'padded', 'plus', 'subdomain', 'long'))
  .map(([uuid, shape]) => emailOf(uuid, shape as (typeof EMAIL_SHAPES)[number]))
export const SIGNUP_FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  email: fc.oneof({ weight: 4, arbitrary: freshEmail }, adversarialString),
  password: fc.oneof(
    fc.constant(STRONG_PASSWORD),
    fc.string({ unit: 'grapheme-ascii', minLength: 8, maxLength: 40 }),
    text(20),
    around(8),
    around(128),
    fc.constantFrom('password123', 'Password', '12345678', 'x'.repeat(5000)),
  ),
  name: fc.oneof(text(30), around(100), fc.constantFrom('   ', '', 'Ada Lovelace')),
}

/** Users whose address is `email` as either route would store it. */
export async function usersWithEmail(email: unknown) {
  // PostgreSQL text cannot hold NUL: no user has such an address.
  if (typeof email !== 'string' || email.includes('\u0000')) return []
  // Lone surrogates could only be stored as U+FFFD (and PGlite cannot even take them as parameters).
  const wellFormed = email.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\ufffd')
  const candidates = [...new Set([wellFormed.toLowerCase(), wellFormed.trim().toLowerCase()])]
  const rows = await Promise.all(
    candidates.map((e) => db().select({ id: userTable.id }).from(userTable).where(eq(userTable.email, e))),
  )
  return rows.flat()
}

/**
 * A refused sign-up makes no user; an accepted one makes exactly the user it reports.
 * Each run gets addresses of its own, also when fast-check replays a value to shrink it.
 */
export async function signupChecked(template: Req, seedRoute: boolean) {
  const unique = String(++emailCount).padStart(FRESH.length, '0')
  const req = {
    ...template,
    body: typeof template.body === 'string' ? template.body.replace(new RegExp(FRESH, 'gi'), unique) : template.body,
  }
  const where = show(req)
  const input = parseObject(req.body)
  const before = await fuzzUsers()
  const sameEmailBefore = await usersWithEmail(input?.email)
  const a = await send(req)
  assertWellFormed(a, where, seedRoute)
  if (a.status >= 400) {
    assert.deepEqual(await fuzzUsers(), before, `a refused sign-up stored a user: ${where}`)
    assert.deepEqual(await usersWithEmail(input?.email), sameEmailBefore, `a refused sign-up stored a user: ${where}`)
    return a
  }
  assert.equal(a.status, seedRoute ? 201 : 200, where)
  assert.deepEqual(sameEmailBefore, [], `accepted an address already taken: ${where}`)
  const { email: sent, name: sentName } = input as { email: string; name?: string }
  const result = JSON.parse(a.text) as { user: { id: string; email: string; name: string; created_at: string } }
  // Every door trims and lower-cases the email (decision 013).
  const email = sent.trim().toLowerCase()
  assert.equal(result.user.email, email, where)
  assert.deepEqual(await usersWithEmail(email), [{ id: result.user.id }], `exactly the new user is stored: ${where}`)
  if (seedRoute) {
    assertTimestamp(result.user.created_at, where)
    const name = sentName?.trim() ?? email.slice(0, email.lastIndexOf('@'))
    assert.equal(result.user.name, name, where)
    assert.ok(codePoints(result.user.name) >= 1 && codePoints(result.user.name) <= 100, where)
  }
  return a
}

export const exampleEmail = `fz-${RUN}-ex${FRESH}@example.com`
export const SIGNUP_EXAMPLES: BodyCase[] = [
  [`{"email":"${exampleEmail}","password":"${STRONG_PASSWORD}","__proto__":{"name":"Mallory"}}`, JSON_TYPE],
  [`{"email":"${exampleEmail}","password":"${STRONG_PASSWORD}","constructor":{"prototype":{"polluted":1}}}`, JSON_TYPE],
  [`{"email":"${exampleEmail}","password":"${STRONG_PASSWORD}","name":"a\\ud800 b"}`, JSON_TYPE],
  [`{"email":"${exampleEmail}","password":"${STRONG_PASSWORD}","name":"nul\\u0000"}`, JSON_TYPE],
  [`{"email":"${exampleEmail}\\u0000","password":"${STRONG_PASSWORD}"}`, JSON_TYPE],
  [`{"email":"${exampleEmail}","password":"${STRONG_PASSWORD}"}`, 'application/json; '],
  [`{"email":"${exampleEmail}","password":"${'😀'.repeat(129)}"}`, JSON_TYPE],
  [`{"email":"${exampleEmail}","password":["${STRONG_PASSWORD}"]}`, JSON_TYPE],
  [`{"email":{"$ne":null},"password":"${STRONG_PASSWORD}"}`, JSON_TYPE],
]

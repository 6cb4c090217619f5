/**
 * Property-based fuzzing of every request schema through the real app over HTTP
 * (fast-check): sign-up and sign-in (ours and Better Auth's), the account routes (name,
 * password, deletion, mailed-link flows, security events, sessions), task create, PUT, PATCH,
 * /complete, list query strings, headers and path segments, with random and adversarial
 * input (any JSON value, right keys with wrong types, strings near the body limit, lone
 * surrogates, NUL and other control characters, deep nesting, `__proto__`/`constructor`
 * keys, duplicate keys, bytes that are not UTF-8, garbage credentials).
 *
 * Properties, for every request:
 * - never a 5xx;
 * - every 4xx is an RFC 9457 problem document (type, title, status) with no stack trace,
 *   SQL or library-internal text (the field names a client sent may be echoed back);
 * - a refused write stores nothing (the user's task rows, or the users with that email,
 *   are exactly as before);
 * - an accepted write stores what API.md says it stores (title 1–200 and trimmed,
 *   description ≤ 1000, priority enum, ≤ 10 tags each 1–32 lower-case and unique,
 *   timestamps RFC 3339 with Z), equal to what the response said and to the input as
 *   the contract normalises it;
 * - well-formed input (valid under any reading of API.md) is accepted.
 *
 * FUZZ_SEED=<n> replays a failing run (fast-check prints the seed and the counterexample);
 * FUZZ_RUNS=<n> changes the number of runs per property.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { asc, eq, ilike } from 'drizzle-orm'
import fc from 'fast-check'
import { task as taskTable, user as userTable } from '../src/db/schema.js'
import { toTaskJson } from '../src/tasks/queries.js'
import type { TaskJson } from '../src/tasks/schemas.js'
import {
  closeDatabases,
  drivers,
  type SignedIn,
  STRONG_PASSWORD,
  startTestApp,
  type TestApp,
} from './support/harness.js'
import { TASK_KEYS } from './support/task-shape.js'

after(closeDatabases)

const RUNS = Number(process.env.FUZZ_RUNS ?? 100)
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED)
/** Part of every email this file makes, so its users can be found (and told from others'). */
const RUN = randomUUID().slice(0, 8)
/** Stands for a number unique to each request in generated emails. */
const FRESH = '~fresh~'
let emailCount = 0

/** Runs a property `numRuns` times, after the hand-picked `examples` (which always run). */
function fuzz<T>(property: fc.IAsyncProperty<T>, numRuns = RUNS, examples: T[] = []): Promise<void> {
  return fc.assert(property, {
    numRuns,
    examples,
    includeErrorInReport: true,
    ...(SEED === undefined ? {} : { seed: SEED }),
  })
}

/** The server runs in this process: a polluted Object.prototype would show here. */
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort()
function assertNoPollution(where: string) {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTOTYPE_KEYS, `prototype polluted: ${where}`)
  assert.equal(({} as Record<string, unknown>).polluted, undefined, `prototype polluted: ${where}`)
}

// ---------------------------------------------------------------------------------------
// Wire types and the contract's invariants

type Priority = TaskJson['priority']
type Task = TaskJson
type Editable = Pick<Task, 'title' | 'description' | 'priority' | 'tags' | 'due_at'>

const PRIORITIES: readonly Priority[] = ['low', 'medium', 'high']
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
const DEFAULTS: Omit<Editable, 'title'> = { description: '', priority: 'medium', tags: [], due_at: null }

const codePoints = (s: string) => [...s].length

function assertTimestamp(value: unknown, what: string) {
  assert.equal(typeof value, 'string', what)
  assert.match(value as string, RFC3339_UTC, what)
  assert.ok(!Number.isNaN(Date.parse(value as string)), what)
}

/** API.md's "Task" invariants, whatever the input was. */
function assertTaskInvariants(value: unknown, userId: string, where: string) {
  assert.ok(value && typeof value === 'object' && !Array.isArray(value), where)
  const task = value as Task
  assert.deepEqual(Object.keys(task).sort(), TASK_KEYS, where)
  assert.equal(typeof task.id, 'string', where)
  assert.ok(task.id.length > 0, where)
  assert.equal(task.user_id, userId, `${where}: owner`)
  assert.equal(typeof task.title, 'string', where)
  assert.equal(task.title, task.title.trim(), `${where}: title is trimmed`)
  assert.ok(codePoints(task.title) >= 1 && codePoints(task.title) <= 200, `${where}: title 1–200`)
  assert.equal(typeof task.description, 'string', where)
  assert.ok(codePoints(task.description) <= 1000, `${where}: description ≤ 1000`)
  assert.ok(PRIORITIES.includes(task.priority), `${where}: priority ${task.priority}`)
  assert.ok(Array.isArray(task.tags) && task.tags.length <= 10, `${where}: ≤ 10 tags`)
  for (const tag of task.tags) {
    assert.equal(typeof tag, 'string', where)
    assert.ok(codePoints(tag) >= 1 && codePoints(tag) <= 32, `${where}: tag ${JSON.stringify(tag)} is 1–32`)
    assert.equal(tag, tag.toLowerCase(), `${where}: tag ${JSON.stringify(tag)} is lower-case`)
  }
  assert.equal(new Set(task.tags).size, task.tags.length, `${where}: tags are unique`)
  assert.equal(typeof task.completed, 'boolean', where)
  if (task.due_at !== null) assertTimestamp(task.due_at, `${where}: due_at`)
  if (task.completed) assertTimestamp(task.completed_at, `${where}: completed_at`)
  else assert.equal(task.completed_at, null, `${where}: completed_at is null while pending`)
  assertTimestamp(task.created_at, `${where}: created_at`)
  assertTimestamp(task.updated_at, `${where}: updated_at`)
  assert.ok(task.updated_at >= task.created_at, `${where}: updated_at ≥ created_at`)
}

const dedupe = (list: string[]) => [...new Set(list)]

/** What the contract stores for an accepted input: given fields normalised, others from `base`. */
function normalised(input: Record<string, unknown>, base: Omit<Editable, 'title'> & { title?: string }): Editable {
  const has = (key: string) => Object.hasOwn(input, key)
  return {
    title: has('title') ? (input.title as string).trim() : (base.title as string),
    description: has('description') ? (input.description as string) : base.description,
    priority: has('priority') ? (input.priority as Priority) : base.priority,
    tags: has('tags') ? dedupe((input.tags as string[]).map((t) => t.trim().toLowerCase())) : base.tags,
    due_at: has('due_at')
      ? input.due_at === null
        ? null
        : new Date(input.due_at as string).toISOString()
      : base.due_at,
  }
}

const editable = (task: Task): Editable => ({
  title: task.title,
  description: task.description,
  priority: task.priority,
  tags: task.tags,
  due_at: task.due_at,
})

// ---------------------------------------------------------------------------------------
// Problem documents

/** Things that must never reach a client (API.md: no stack traces, SQL or internal messages). */
const LEAKS = [
  /\n\s+at\s|\bat [\w.<>]+ \(/, // stack frames
  /node_modules|\.[cm]?[jt]sx?:\d+|file:\/\//,
  /\b(select|insert into|delete from|update \S+ set)\b/i,
  /duplicate key|violates|constraint|relation "|syntax error|invalid byte sequence|unterminated/i,
  /\b(postgres|postgresql|pglite|drizzle|zod|hono|kysely|undici|argon2)\b/i,
  /\b(TypeError|ReferenceError|SyntaxError|RangeError|Error:)/,
  /\[object Object\]|Cannot read propert|is not a function|Unexpected token|in JSON at position|Malformed JSON/,
]

type Answer = { method: string; status: number; type: string; text: string; headers: Headers }

/** Never a 5xx; a 4xx is a clean problem document. `ours`: a route whose 422s list `errors`. */
function assertWellFormed(a: Answer, where: string, ours = true) {
  const at = `${where}\n→ ${a.status} ${a.type} ${a.text.slice(0, 400)}`
  assert.ok(a.status < 500, `server error: ${at}`)
  if (a.status < 400) return
  assert.match(a.type, /^application\/problem\+json/, `not a problem document: ${at}`)
  if (a.method === 'HEAD') return // no body, by definition
  let body: Record<string, unknown>
  try {
    body = JSON.parse(a.text) as Record<string, unknown>
  } catch {
    assert.fail(`problem is not JSON: ${at}`)
  }
  assert.ok(body && typeof body === 'object' && !Array.isArray(body), at)
  assert.equal(typeof body.type, 'string', at)
  assert.ok((body.type as string).length > 0, at)
  assert.equal(typeof body.title, 'string', at)
  assert.ok((body.title as string).length > 0, at)
  assert.equal(body.status, a.status, at)
  assert.ok(!('stack' in body) && !('cause' in body), at)
  if (body.detail !== undefined) assert.equal(typeof body.detail, 'string', at)
  const errors = body.errors as { field: unknown; message: unknown }[] | undefined
  if (errors !== undefined) {
    assert.ok(Array.isArray(errors), at)
    for (const e of errors) {
      assert.equal(typeof e.field, 'string', at)
      assert.equal(typeof e.message, 'string', at)
    }
  }
  if (ours && a.status === 422) assert.ok(errors && errors.length > 0, `a 422 lists its errors: ${at}`)
  if (a.status === 401) assert.match(a.headers.get('www-authenticate') ?? '', /^Bearer/i, at)
  // Field names are the client's own keys and may be anything; everything else is ours.
  const ownText = JSON.stringify({ ...body, errors: errors?.map((e) => e.message) })
  for (const leak of LEAKS) assert.doesNotMatch(ownText, leak, `leaks internals: ${at}`)
}

// ---------------------------------------------------------------------------------------
// Generators

/** A JSON text spliced in as is (deep nesting that JSON.stringify could not build). */
class RawJson {
  constructor(readonly text: string) {}
}

function toJsonText(value: unknown): string | undefined {
  if (value instanceof RawJson) return value.text
  if (Array.isArray(value)) return `[${value.map((v) => toJsonText(v) ?? 'null').join(',')}]`
  if (value && typeof value === 'object') return objectText(Object.entries(value))
  return JSON.stringify(value)
}

/** An object from key/value pairs: keys may repeat and may be `__proto__`. */
function objectText(pairs: [string, unknown][]): string {
  const members = pairs.flatMap(([k, v]) => {
    const text = toJsonText(v)
    return text === undefined ? [] : [`${JSON.stringify(k)}:${text}`]
  })
  return `{${members.join(',')}}`
}

const SPECIAL_CHARS = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u200b',
  '\ufeff',
  '\ufffd',
  'İ',
  'ß',
  'ẞ',
  'ﬃ',
  'Σ',
  'e\u0301',
  'é',
  '😀',
  '%',
  '_',
  '\\',
  "'",
  '"',
  '<',
  '&',
  '$1',
  '{{',
]
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))
const oneChar = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_CHARS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
)
const text = (maxLength: number) => fc.string({ unit: oneChar, maxLength })
/** Strings around a length limit, in characters that are 1, 2 or more UTF-16 units or bytes. */
const around = (limit: number) =>
  fc
    .tuple(fc.constantFrom('a', 'İ', 'é', 'e\u0301', '😀', ' ', '€'), fc.constantFrom(limit - 1, limit, limit + 1))
    .map(([c, n]) => c.repeat(n))
/** A string that puts a body just under or over the 64 KiB limit. */
const huge = fc
  .tuple(fc.constantFrom('x', '€', '😀'), fc.integer({ min: 65_536 - 300, max: 65_536 + 50 }))
  .map(([c, bytes]) => c.repeat(Math.floor(bytes / Buffer.byteLength(c))))
const adversarialString = fc.oneof(
  { weight: 8, arbitrary: text(40) },
  { weight: 2, arbitrary: text(300) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS, "'; drop table task; --", '%_%', '\\', 'null', '') },
  { weight: 1, arbitrary: huge },
)
const deepNesting = fc
  .tuple(fc.constantFrom('[', '{"a":'), fc.integer({ min: 1, max: 20_000 }))
  .map(([open, depth]) => new RawJson(open.repeat(depth) + (open === '[' ? ']' : '1}').repeat(depth)))
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: adversarialString },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
  { weight: 2, arbitrary: fc.array(adversarialString, { maxLength: 12 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...PROTO_KEYS, 'a'), fc.jsonValue({ maxDepth: 1 })) },
  { weight: 1, arbitrary: deepNesting },
)

type Body = string | Uint8Array | undefined

/**
 * JSON object bodies for a schema: the right keys with plausible or wrong values, maybe
 * extra keys (prototype names, near-miss spellings, duplicates), in any order.
 */
function objectBody(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string> {
  const keys = Object.keys(fields)
  const mixed = Object.fromEntries(
    keys.map((k) => [k, fc.oneof({ weight: 3, arbitrary: fields[k] as fc.Arbitrary<unknown> }, wrongValue)]),
  )
  const wrong = Object.fromEntries(keys.map((k) => [k, wrongValue]))
  const extraKey = fc.oneof(
    fc.constantFrom(...PROTO_KEYS, ...keys, ...keys.map((k) => k.toUpperCase()), ...keys.map((k) => ` ${k}`)),
    text(12),
  )
  const extras = fc.oneof(
    { weight: 4, arbitrary: fc.constant<[string, unknown][]>([]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(extraKey, wrongValue), { minLength: 1, maxLength: 3 }) },
  )
  return fc
    .tuple(
      fc.oneof(
        { weight: 3, arbitrary: fc.record(fields, { requiredKeys: [] }) },
        { weight: 3, arbitrary: fc.record(mixed, { requiredKeys: [] }) },
        { weight: 1, arbitrary: fc.record(wrong, { requiredKeys: [] }) },
      ),
      extras,
      fc.boolean(),
    )
    .map(([record, extra, extraFirst]) => {
      const pairs = Object.entries(record)
      return objectText(extraFirst ? [...extra, ...pairs] : [...pairs, ...extra])
    })
}

const INVALID_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0x7b, 0x22, 0xe2, 0x82, 0x22, 0x7d], [0xfe, 0xff]]

/** Any body at all: mostly schema-shaped objects, also other JSON, broken JSON and raw bytes. */
function anyBody(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Body> {
  const keys = Object.keys(fields)
  return fc.oneof(
    { weight: 10, arbitrary: objectBody(fields) },
    { weight: 1, arbitrary: fc.anything().map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: deepNesting.map((raw) => raw.text) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...keys), huge).map(([k, v]) => JSON.stringify({ [k]: v })),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom(...INVALID_UTF8).map((b) => Uint8Array.from(b)),
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom('', ' ', '{', '{"a":1,}', "{'a':1}", `\ufeff${JSON.stringify({ [keys[0] as string]: 'x' })}`),
        fc.constantFrom(undefined),
      ),
    },
  )
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/merge+json']
const NOT_JSON_TYPES = [
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  'application/json-patch',
  'json',
  'application/',
  '*/*',
]
/** API.md's JSON: `application/json` or a `+json` type, any parameters. */
function isJsonType(type: string | undefined): boolean {
  const essence = type?.split(';')[0]?.trim().toLowerCase() ?? ''
  return essence === 'application/json' || /^application\/[\w.-]+\+json$/.test(essence)
}

/** Mostly JSON, so bodies reach validation; sometimes anything else or no Content-Type at all. */
const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant<string | undefined>('application/json') },
  { weight: 2, arbitrary: fc.constantFrom<string | undefined>(...JSON_TYPES) },
  { weight: 2, arbitrary: fc.constantFrom<string | undefined>(...NOT_JSON_TYPES, undefined) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
)

const instantIn = (from: string, to: string) => fc.date({ min: new Date(from), max: new Date(to), noInvalidDate: true })
/** RFC 3339 in UTC or with an offset, with or without fractions. */
const rfc3339 = fc
  .tuple(
    instantIn('1001-01-02T00:00:00Z', '9998-12-30T00:00:00Z'),
    fc.constantFrom(0, 330, -480, 840, -720, 59),
    fc.boolean(),
  )
  .map(([date, offsetMinutes, millis]) => {
    const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString()
    const stamp = millis ? local.slice(0, 23) : local.slice(0, 19)
    if (offsetMinutes === 0) return `${stamp}Z`
    const sign = offsetMinutes < 0 ? '-' : '+'
    const abs = Math.abs(offsetMinutes)
    return `${stamp}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
  })
const badInstant = fc.constantFrom(
  '0999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '10000-01-01T00:00:00Z',
  '+010000-01-01T00:00:00Z',
  '2024-02-30T00:00:00Z',
  '2023-02-29T12:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T23:59:60Z',
  '2024-01-01T00:00:00',
  '2024-01-01',
  '2024-01-01T00:00:00+24:00',
  'tomorrow',
  '',
  ' 2024-01-01T00:00:00Z',
)

// The task fields: plausible values first, wrong ones through objectBody's mixing.
const TASK_FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  title: fc.oneof(text(60), around(200), fc.constantFrom('  padded  ', 'Buy milk')),
  description: fc.oneof(text(100), around(1000)),
  priority: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...PRIORITIES) },
    { weight: 1, arbitrary: fc.constantFrom('LOW', ' high', 'urgent', '', 'Medium') },
  ),
  tags: fc.array(fc.oneof(text(12), around(32), fc.constantFrom('Home', 'HOME', ' home ', 'İstanbul')), {
    maxLength: 12,
  }),
  due_at: fc.oneof(fc.constant(null), rfc3339, badInstant),
}

/** Printable single code points (1 or 2 UTF-16 units): valid under any reading of "characters". */
const printable = (minLength: number, maxLength: number) =>
  fc
    .string({ unit: 'grapheme-composite', minLength, maxLength })
    .filter((s) => s.trim() === s && s.length > 0 && !/[\u0000-\u001f\u007f-\u009f]/.test(s))
const VALID_TASK_FIELDS = {
  title: fc.tuple(printable(1, 100), fc.constantFrom('', ' ', '  ')).map(([s, pad]) => pad + s + pad),
  description: fc.string({ unit: 'grapheme-composite', maxLength: 500 }),
  priority: fc.constantFrom(...PRIORITIES),
  tags: fc.array(printable(1, 16), { maxLength: 10 }),
  due_at: fc.oneof(fc.constant(null), rfc3339),
}

// ---------------------------------------------------------------------------------------

/** Hand-picked inputs every run tries first: the attacks and edge cases that matter most. */
type BodyCase = [Body, string | undefined]
const JSON_TYPE = 'application/json'
const TASK_EXAMPLES: BodyCase[] = [
  ['{"title":"x","__proto__":{"priority":"high"}}', JSON_TYPE],
  ['{"__proto__":{"title":"from the prototype"}}', JSON_TYPE],
  ['{"title":"x","constructor":{"prototype":{"polluted":1}}}', JSON_TYPE],
  ['{"title":"x","title":{"toString":"y"}}', JSON_TYPE],
  [`{"title":"x","tags":["${'İ'.repeat(17)}"]}`, JSON_TYPE],
  ['{"title":"a\\ud800b","description":"\\udc00"}', JSON_TYPE],
  ['{"title":"x","tags":["\\ud800"]}', JSON_TYPE],
  ['{"title":"nul\\u0000"}', JSON_TYPE],
  ['{"title":"x","description":"x\\u0000"}', JSON_TYPE],
  ['{"title":"x"}', 'application/json; '],
  ['{"title":"x"}', 'application/json;'],
  ['\ufeff{"title":"x"}', JSON_TYPE],
  [`{"title":${'['.repeat(20_000)}${']'.repeat(20_000)}}`, JSON_TYPE],
  [JSON.stringify({ title: 'x', description: 'y'.repeat(65_000) }), JSON_TYPE],
  [JSON.stringify({ title: 'x', description: 'y'.repeat(65_536) }), JSON_TYPE],
  [JSON.stringify({ title: 'x', due_at: '0999-12-31T23:59:59Z' }), JSON_TYPE],
  [JSON.stringify({ title: 'x', due_at: '2024-02-30T00:00:00Z' }), JSON_TYPE],
]

const preview = (body: Body) =>
  body === undefined
    ? '(none)'
    : typeof body === 'string'
      ? JSON.stringify(body.length > 300 ? `${body.slice(0, 300)}… (${body.length})` : body)
      : `bytes ${Buffer.from(body).toString('hex').slice(0, 200)}`

function parseObject(body: Body): Record<string, unknown> | undefined {
  if (typeof body !== 'string') return undefined
  try {
    const value: unknown = JSON.parse(body.replace(/^\ufeff/, '')) // RFC 8259 §8.1: a BOM may be ignored
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

for (const driver of drivers()) {
  describe(`fuzzing every request schema on ${driver}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver)
    })
    after(() => t?.close())

    const db = () => t.services.database.db

    type Req = { method: string; path: string; headers?: Record<string, string | undefined>; body?: Body }
    async function send(req: Req): Promise<Answer> {
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
    const show = (req: Req) =>
      `${req.method} ${req.path.slice(0, 300)} ${JSON.stringify(req.headers ?? {}).slice(0, 300)} body=${preview(req.body)}`

    /** The user's task rows, as stored. */
    const rowsOf = (userId: string) =>
      db().select().from(taskTable).where(eq(taskTable.userId, userId)).orderBy(asc(taskTable.id))
    /** Users made by this file's sign-up fuzzing. */
    const fuzzUsers = async () =>
      (
        await db()
          .select({ email: userTable.email })
          .from(userTable)
          .where(ilike(userTable.email, `%${RUN}%`))
      )
        .map((u) => u.email)
        .sort()

    const auth = (who: SignedIn) => ({ authorization: `Bearer ${who.token}` })
    const base = (who: SignedIn) => `/api/${who.user.id}/tasks`

    async function createTask(who: SignedIn, input: Record<string, unknown>): Promise<Task> {
      const a = await send({
        method: 'POST',
        path: base(who),
        headers: { ...auth(who), 'content-type': 'application/json' },
        body: JSON.stringify(input),
      })
      assert.equal(a.status, 201, a.text)
      return JSON.parse(a.text) as Task
    }

    /** A task as stored, in its wire shape. */
    function stored(rows: Awaited<ReturnType<typeof rowsOf>>, id: string): Task {
      const row = rows.find((r) => r.id === id)
      assert.ok(row, `task ${id} is stored`)
      return toTaskJson(row)
    }

    // -- Sign-up and sign-in -------------------------------------------------------------

    const EMAIL_SHAPES = [
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
    function emailOf(uuid: string, shape: (typeof EMAIL_SHAPES)[number]): string {
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
    const freshEmail = fc
      .tuple(fc.uuid(), fc.constantFrom(...EMAIL_SHAPES))
      .map(([uuid, shape]) => emailOf(uuid, shape))
    const validEmail = fc
      .tuple(fc.uuid(), fc.constantFrom('plain', 'upper', 'padded', 'plus', 'subdomain', 'long'))
      .map(([uuid, shape]) => emailOf(uuid, shape as (typeof EMAIL_SHAPES)[number]))
    const SIGNUP_FIELDS: Record<string, fc.Arbitrary<unknown>> = {
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
    async function usersWithEmail(email: unknown) {
      // PostgreSQL text cannot hold NUL: no user has such an address.
      if (typeof email !== 'string' || email.includes('\u0000')) return []
      // Lone surrogates could only be stored as U+FFFD (and PGlite cannot even take them as parameters).
      const wellFormed = email.replace(
        /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
        '\ufffd',
      )
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
    async function signupChecked(template: Req, seedRoute: boolean) {
      const unique = String(++emailCount).padStart(FRESH.length, '0')
      const req = {
        ...template,
        body:
          typeof template.body === 'string' ? template.body.replace(new RegExp(FRESH, 'gi'), unique) : template.body,
      }
      const where = show(req)
      const input = parseObject(req.body)
      const before = await fuzzUsers()
      const sameEmailBefore = await usersWithEmail(input?.email)
      const a = await send(req)
      assertWellFormed(a, where, seedRoute)
      if (a.status >= 400) {
        assert.deepEqual(await fuzzUsers(), before, `a refused sign-up stored a user: ${where}`)
        assert.deepEqual(
          await usersWithEmail(input?.email),
          sameEmailBefore,
          `a refused sign-up stored a user: ${where}`,
        )
        return a
      }
      assert.equal(a.status, seedRoute ? 201 : 200, where)
      assert.deepEqual(sameEmailBefore, [], `accepted an address already taken: ${where}`)
      const { email: sent, name: sentName } = input as { email: string; name?: string }
      const result = JSON.parse(a.text) as { user: { id: string; email: string; name: string; created_at: string } }
      const email = seedRoute ? sent.trim().toLowerCase() : sent.toLowerCase()
      assert.equal(result.user.email, email, where)
      assert.deepEqual(
        await usersWithEmail(email),
        [{ id: result.user.id }],
        `exactly the new user is stored: ${where}`,
      )
      if (seedRoute) {
        assertTimestamp(result.user.created_at, where)
        const name = sentName?.trim() ?? email.slice(0, email.lastIndexOf('@'))
        assert.equal(result.user.name, name, where)
        assert.ok(codePoints(result.user.name) >= 1 && codePoints(result.user.name) <= 100, where)
      }
      return a
    }

    const exampleEmail = `fz-${RUN}-ex${FRESH}@example.com`
    const SIGNUP_EXAMPLES: BodyCase[] = [
      [`{"email":"${exampleEmail}","password":"${STRONG_PASSWORD}","__proto__":{"name":"Mallory"}}`, JSON_TYPE],
      [
        `{"email":"${exampleEmail}","password":"${STRONG_PASSWORD}","constructor":{"prototype":{"polluted":1}}}`,
        JSON_TYPE,
      ],
      [`{"email":"${exampleEmail}","password":"${STRONG_PASSWORD}","name":"a\\ud800 b"}`, JSON_TYPE],
      [`{"email":"${exampleEmail}","password":"${STRONG_PASSWORD}","name":"nul\\u0000"}`, JSON_TYPE],
      [`{"email":"${exampleEmail}\\u0000","password":"${STRONG_PASSWORD}"}`, JSON_TYPE],
      [`{"email":"${exampleEmail}","password":"${STRONG_PASSWORD}"}`, 'application/json; '],
      [`{"email":"${exampleEmail}","password":"${'😀'.repeat(129)}"}`, JSON_TYPE],
      [`{"email":"${exampleEmail}","password":["${STRONG_PASSWORD}"]}`, JSON_TYPE],
      [`{"email":{"$ne":null},"password":"${STRONG_PASSWORD}"}`, JSON_TYPE],
    ]

    it('POST /api/auth/signup: any body → no 5xx; refused stores nothing, accepted stores the user', async () => {
      await fuzz(
        fc.asyncProperty(anyBody(SIGNUP_FIELDS), contentType, async (body, type) => {
          await signupChecked(
            { method: 'POST', path: '/api/auth/signup', headers: { 'content-type': type }, body },
            true,
          )
        }),
        RUNS,
        SIGNUP_EXAMPLES,
      )
    })

    it('POST /api/auth/signup: well-formed bodies are accepted', async () => {
      await fuzz(
        fc.asyncProperty(
          validEmail,
          fc.string({ unit: 'grapheme-ascii', minLength: 16, maxLength: 64 }),
          fc.option(printable(1, 50), { nil: undefined }),
          async (email, password, name) => {
            const req = {
              method: 'POST',
              path: '/api/auth/signup',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ email, password, ...(name === undefined ? {} : { name }) }),
            }
            const a = await signupChecked(req, true)
            assert.equal(a.status, 201, `${show(req)} → ${a.text}`)
          },
        ),
        30,
      )
    })

    it("POST /api/auth/sign-up/email (Better Auth's): any body → no 5xx; refused stores nothing", async () => {
      await fuzz(
        fc.asyncProperty(anyBody(SIGNUP_FIELDS), contentType, async (body, type) => {
          const req = {
            method: 'POST',
            path: '/api/auth/sign-up/email',
            headers: { 'content-type': type, origin: t.config.publicUrl },
            body,
          }
          await signupChecked(req, false)
        }),
        RUNS,
        SIGNUP_EXAMPLES,
      )
    })

    describe('sign-in', () => {
      let ann: SignedIn
      before(async () => {
        ann = await t.signup({ email: `fz-${RUN}-signin@example.com`, password: 'Correct Horse 42 Battery' })
      })
      const emailFor = (shape: string) => {
        switch (shape) {
          case 'exact':
            return ann.user.email
          case 'upper':
            return ann.user.email.toUpperCase()
          case 'padded':
            return ` ${ann.user.email} `
          default:
            return `fz-${RUN}-nobody@example.com`
        }
      }
      const passwordFor = (shape: string) =>
        shape === 'right' ? ann.password : shape === 'case' ? ann.password.toLowerCase() : `${ann.password} `

      for (const [route, path] of [
        ['POST /api/auth/signin', '/api/auth/signin'],
        ["POST /api/auth/sign-in/email (Better Auth's)", '/api/auth/sign-in/email'],
      ] as const) {
        const ours = path === '/api/auth/signin'
        it(`${route}: any body → no 5xx, and only the right password signs in`, async () => {
          const fields: Record<string, fc.Arbitrary<unknown>> = {
            email: fc.oneof(
              { weight: 4, arbitrary: fc.constantFrom('exact', 'upper', 'padded', 'unknown').map(emailFor) },
              adversarialString,
            ),
            password: fc.oneof(
              { weight: 4, arbitrary: fc.constantFrom('right', 'case', 'space').map(passwordFor) },
              adversarialString,
            ),
          }
          await fuzz(
            fc.asyncProperty(anyBody(fields), contentType, async (body, type) => {
              const req = {
                method: 'POST',
                path,
                headers: { 'content-type': type, ...(ours ? {} : { origin: t.config.publicUrl }) },
                body,
              }
              const a = await send(req)
              const where = show(req)
              assertWellFormed(a, where, ours)
              const input = parseObject(body)
              const rightEmail =
                typeof input?.email === 'string' &&
                (ours ? input.email.trim() : input.email).toLowerCase() === ann.user.email
              const right =
                rightEmail && typeof input?.password === 'string' && input.password.normalize('NFKC') === ann.password
              if (a.status === 200) {
                assert.ok(right, `signed in without the right credentials: ${where}`)
                assert.equal((JSON.parse(a.text) as { user: { id: string } }).user.id, ann.user.id, where)
              }
              // A well-formed body with the right email and password signs in.
              const wellFormed =
                isJsonType(type) &&
                Object.keys(input ?? {})
                  .sort()
                  .join() === 'email,password'
              if (ours && wellFormed && right) assert.equal(a.status, 200, `${where} → ${a.text}`)
              // Known shape, wrong secret: the one 401 that says nothing about the account.
              if (ours && wellFormed && typeof input?.email === 'string' && !right) {
                const known = ['exact', 'upper', 'padded', 'unknown'].map(emailFor).includes(input.email)
                const password = input.password
                if (known && typeof password === 'string' && password.length > 0 && password.length <= 4096) {
                  assert.equal(a.status, 401, `${where} → ${a.text}`)
                  assert.equal((JSON.parse(a.text) as { detail: string }).detail, 'Invalid email or password')
                }
              }
            }),
          )
        })
      }
    })

    // -- Account (decision 009) ------------------------------------------------------------

    describe('account', () => {
      let cat: SignedIn
      /** cat's password as it is now: a fuzzed PUT /api/me/password may change it. */
      let password: string
      /** Another user, whose data must never show up in cat's answers. */
      let bystander: SignedIn
      before(async () => {
        cat = await t.signup({ email: `fz-${RUN}-account@example.com` })
        password = cat.password
        bystander = await t.signup()
      })
      const stored = async () => {
        const [row] = await db().select().from(userTable).where(eq(userTable.id, cat.user.id))
        return row
      }
      const asCat = (method: string, path: string, body: Body, type: string | undefined): Req => ({
        method,
        path,
        headers: { ...auth(cat), 'content-type': type },
        body,
      })
      const signsIn = async (secret: string) =>
        (await t.post('/api/auth/signin', { email: cat.user.email, password: secret })).status === 200

      it('PATCH /api/me: any body → no 5xx; refused keeps the name, accepted stores it trimmed', async () => {
        const fields = { name: fc.oneof(text(60), around(100), fc.constantFrom('  Cat  ', 'Cat')) }
        await fuzz(
          fc.asyncProperty(anyBody(fields), contentType, async (body, type) => {
            const before = (await stored())?.name
            const req = asCat('PATCH', '/api/me', body, type)
            const a = await send(req)
            const where = show(req)
            assertWellFormed(a, where)
            const now = (await stored())?.name
            if (a.status !== 200) return assert.equal(now, before, `refused but changed: ${where}`)
            const answered = (JSON.parse(a.text) as { user: { name: string } }).user.name
            assert.equal(answered, now, where)
            assert.equal(now, now?.trim(), `${where}: the name is trimmed`)
            assert.ok(codePoints(now ?? '') >= 1 && codePoints(now ?? '') <= 100, `${where}: name 1–100`)
          }),
        )
      })

      it('PUT /api/me/password: any body → no 5xx; only the current password changes it', async () => {
        const fields = {
          current_password: fc.oneof(
            { weight: 1, arbitrary: fc.constant('~current~') },
            { weight: 3, arbitrary: adversarialString },
          ),
          new_password: fc.oneof(
            { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 16, maxLength: 40 }) },
            { weight: 1, arbitrary: fc.oneof(around(8), around(128), adversarialString) },
          ),
        }
        await fuzz(
          fc.asyncProperty(anyBody(fields), contentType, async (template, type) => {
            const body = typeof template === 'string' ? template.replaceAll('~current~', password) : template
            const req = asCat('PUT', '/api/me/password', body, type)
            const a = await send(req)
            const where = show(req)
            assertWellFormed(a, where)
            if (a.status === 204) {
              const input = parseObject(body)
              assert.equal(input?.current_password, password, `changed without the current password: ${where}`)
              password = String(input?.new_password)
            }
          }),
          RUNS / 2,
        )
        assert.ok(await signsIn(password), 'the password the last accepted change set signs in')
      })

      it('DELETE /api/me: any body without the password → no 5xx, and the account stays', async () => {
        const fields = { password: fc.oneof(adversarialString, fc.constantFrom('~almost~', '')) }
        await fuzz(
          fc.asyncProperty(anyBody(fields), contentType, async (template, type) => {
            const body = typeof template === 'string' ? template.replaceAll('~almost~', `${password} `) : template
            const req = asCat('DELETE', '/api/me', body, type)
            const a = await send(req)
            const where = show(req)
            assertWellFormed(a, where)
            assert.ok(a.status >= 400, `deleted without the password: ${where}`)
            assert.ok(await stored(), `the account is gone: ${where}`)
          }),
          RUNS / 2,
        )
        assert.ok(await signsIn(password))
      })

      for (const [path, fields] of [
        ['/api/auth/verify-email', { token: adversarialString }],
        ['/api/auth/verify-email/resend', { email: fc.oneof(validEmail, adversarialString) }],
        ['/api/auth/password-reset', { email: fc.oneof(validEmail, adversarialString) }],
        ['/api/auth/password-reset/confirm', { token: adversarialString, new_password: adversarialString }],
      ] as const) {
        it(`POST ${path}: any body → no 5xx, and no forged token is accepted`, async () => {
          await fuzz(
            fc.asyncProperty(anyBody(fields), contentType, async (body, type) => {
              const req = { method: 'POST', path, headers: { 'content-type': type }, body }
              const a = await send(req)
              const where = show(req)
              assertWellFormed(a, where)
              if (path.endsWith('/resend') || path.endsWith('/password-reset')) {
                if (a.status < 300) assert.equal(a.status, 202, where)
              } else {
                assert.ok(a.status >= 400, `a made-up token was accepted: ${where}`)
              }
            }),
            RUNS / 2,
            // A NUL in a token once reached PostgreSQL (which refuses it in text) and was a 500.
            [
              [
                JSON.stringify({ token: 'a\u0000b', ...(path.endsWith('/confirm') ? { new_password: password } : {}) }),
                'application/json',
              ],
            ],
          )
          assert.ok(await signsIn(password), 'the account is as it was')
        })
      }

      it('GET /api/me/events?… and DELETE /api/me/sessions/{id}: any input → no 5xx; own data only', async () => {
        const query = fc.array(
          fc.tuple(
            fc.constantFrom('limit', 'LIMIT', 'cursor', '__proto__'),
            fc.oneof(text(8), fc.integer().map(String)),
          ),
          { maxLength: 3 },
        )
        await fuzz(
          fc.asyncProperty(query, text(40), async (pairs, id) => {
            const qs = new URLSearchParams(pairs.map(([k, v]) => [k, v.replace(/[\uD800-\uDFFF]/g, 'x')]))
            const list = { method: 'GET', path: `/api/me/events?${qs}`, headers: auth(cat) }
            const a = await send(list)
            assertWellFormed(a, show(list))
            if (a.status === 200) assert.ok(!a.text.includes(bystander.user.id), show(list))
            const sessionPath = `/api/me/sessions/${encodeURIComponent(id.replace(/[\uD800-\uDFFF]/g, 'x'))}`
            const revoke = { method: 'DELETE', path: sessionPath, headers: auth(cat) }
            const r = await send(revoke)
            assertWellFormed(r, show(revoke))
            assert.ok(r.status >= 400, `a made-up session id ended something: ${show(revoke)}`)
          }),
          RUNS / 2,
        )
        const me = await t.get('/api/me', cat.token)
        assert.equal(me.status, 200, 'still signed in')
      })
    })

    // -- Tasks -----------------------------------------------------------------------------

    describe('tasks', () => {
      let ann: SignedIn
      let bob: SignedIn
      let bobTask: Task
      before(async () => {
        ann = await t.signup()
        bob = await t.signup()
        bobTask = await createTask(bob, { title: "Bob's", tags: ['private'] })
      })

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
            // No body toggles; { completed } sets. fetch labels a string body text/plain, so
            // an accepted request with a body was JSON.
            const expected = body === undefined || body.length === 0 ? !before.completed : input?.completed
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

      describe('list query strings', () => {
        let carol: SignedIn
        let all: Task[]
        const WORDS = ['alpha', 'Beta', 'gamma_1', '50% off', 'delta', 'back\\slash']
        const TAGS = ['home', 'work', 'x', 'urgent']
        before(async () => {
          carol = await t.signup()
          for (let i = 0; i < 24; i++) {
            const task = await createTask(carol, {
              title: `${WORDS[i % WORDS.length]} ${i}`,
              description: i % 4 === 0 ? `about ${WORDS[(i + 1) % WORDS.length]}` : '',
              priority: PRIORITIES[i % 3],
              tags: TAGS.filter((_, k) => (i >> k) & 1),
              due_at: i % 5 === 0 ? null : new Date(Date.UTC(2030, 0, 1 + i * 3)).toISOString(),
            })
            if (i % 3 === 1) {
              const done = await send({
                method: 'PATCH',
                path: `${base(carol)}/${task.id}/complete`,
                headers: auth(carol),
              })
              assert.equal(done.status, 200, done.text)
            }
          }
          const a = await send({ method: 'GET', path: `${base(carol)}?limit=100`, headers: auth(carol) })
          all = (JSON.parse(a.text) as { items: Task[] }).items
          assert.equal(all.length, 24)
        })

        const KNOWN = ['status', 'q', 'priority', 'tag', 'due_before', 'due_after', 'sort', 'order', 'limit', 'cursor']
        const queryValue = fc.oneof(
          { weight: 3, arbitrary: text(20) },
          {
            weight: 3,
            arbitrary: fc.constantFrom(
              'all',
              'pending',
              'completed',
              'low',
              'HIGH',
              'created_at',
              'priority',
              'title',
              'asc',
              'DESC',
              '0',
              '1',
              '100',
              '101',
              '-1',
              '1e2',
              '0x10',
              ' 5',
              '5.0',
              '007',
              'NaN',
              '2030-01-01T00:00:00Z',
              '2030-01-01',
              'home',
              '%',
              '_',
              '',
              'eyJhIjoxfQ',
              'WyJjcmVhdGVkX2F0IiwiZGVzYyIsbnVsbCwieCJd',
            ),
          },
          { weight: 1, arbitrary: fc.base64String({ maxLength: 80 }) },
          { weight: 1, arbitrary: around(200) },
        )
        const queryKey = fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...KNOWN) },
          { weight: 1, arbitrary: fc.constantFrom(...PROTO_KEYS, 'tag[]', 'STATUS', 'user_id', 'limit ') },
          { weight: 1, arbitrary: text(10) },
        )
        const rawQuery = fc.oneof(
          // Pairs, keys repeating freely, encoded as a browser would.
          {
            weight: 6,
            arbitrary: fc
              .array(fc.tuple(queryKey, queryValue), { maxLength: 6 })
              .map((pairs) => new URLSearchParams(pairs).toString()),
          },
          // A dictionary of random keys and values.
          {
            weight: 2,
            arbitrary: fc
              .dictionary(queryKey, queryValue, { maxKeys: 5 })
              .map((d) => new URLSearchParams(Object.entries(d)).toString()),
          },
          // Raw text: broken escapes, bare separators, encoded NUL and surrogates.
          {
            weight: 2,
            arbitrary: fc
              .array(
                fc.oneof(
                  fc.constantFrom('%', '%zz', '%00', '%ED%A0%80', '%C0%AF', '&', '=', '==', '+', '&&', ';', '[]', '%2'),
                  fc.constantFrom(...KNOWN).map((k) => `${k}=`),
                  fc.string({ unit: 'grapheme-ascii', maxLength: 8 }).map(encodeURIComponent),
                ),
                { maxLength: 10 },
              )
              .map((parts) => parts.join('')),
          },
        )

        it('GET tasks?…: any query string → no 5xx, a 200 lists only own tasks, a 4xx is a 422', async () => {
          const rowsBefore = await rowsOf(carol.user.id)
          await fuzz(
            fc.asyncProperty(rawQuery, async (query) => {
              const req = { method: 'GET', path: `${base(carol)}?${query}`, headers: auth(carol) }
              const a = await send(req)
              const where = show(req)
              assertWellFormed(a, where)
              if (a.status >= 400) {
                assert.equal(a.status, 422, `bad parameters are a 422: ${where}`)
                return
              }
              assert.equal(a.status, 200, where)
              const page = JSON.parse(a.text) as { items: Task[]; next_cursor: string | null }
              assert.deepEqual(Object.keys(page).sort(), ['items', 'next_cursor'], where)
              assert.ok(page.next_cursor === null || typeof page.next_cursor === 'string', where)
              const limit = new URLSearchParams(query).get('limit')
              assert.ok(page.items.length <= (limit === null ? 50 : Number(limit)), `at most limit items: ${where}`)
              for (const item of page.items) {
                assertTaskInvariants(item, carol.user.id, where)
                assert.deepEqual(
                  item,
                  all.find((x) => x.id === item.id),
                  `an own, unchanged task: ${where}`,
                )
              }
            }),
            2 * RUNS,
          )
          assert.deepEqual(await rowsOf(carol.user.id), rowsBefore, 'listing changes nothing')
        })

        it('GET tasks?…: any valid query is a 200 whose pages hold exactly the matching tasks, in order', async () => {
          const validQuery = fc.record(
            {
              status: fc.constantFrom('all', 'pending', 'completed'),
              q: fc.constantFrom('a', 'ALPHA', '%', '_', '\\', 'about', 'zzz', ' 1'),
              priority: fc.constantFrom(...PRIORITIES),
              tag: fc.uniqueArray(fc.constantFrom(...TAGS, 'HOME'), { minLength: 1, maxLength: 2 }),
              due_before: fc.constantFrom(
                '2030-02-15T00:00:00.000Z',
                '2030-03-01T00:00:00Z',
                '2030-01-20T12:00:00-05:00',
              ),
              due_after: fc.constantFrom('2030-01-10T00:00:00Z', '2030-01-10T02:00:00+02:00'),
              sort: fc.constantFrom('created_at', 'updated_at', 'due_at', 'priority', 'title'),
              order: fc.constantFrom('asc', 'desc'),
              limit: fc.integer({ min: 1, max: 100 }),
            },
            { requiredKeys: [] },
          )
          await fuzz(
            fc.asyncProperty(validQuery, async (query) => {
              const expected = all.filter((x) => {
                if (query.status === 'pending' && x.completed) return false
                if (query.status === 'completed' && !x.completed) return false
                if (query.q !== undefined) {
                  const q = query.q.toLowerCase()
                  if (!x.title.toLowerCase().includes(q) && !x.description.toLowerCase().includes(q)) return false
                }
                if (query.priority !== undefined && x.priority !== query.priority) return false
                if (query.tag?.some((tag) => !x.tags.includes(tag.toLowerCase()))) return false
                if (query.due_before !== undefined || query.due_after !== undefined) {
                  if (x.due_at === null) return false
                  const due = Date.parse(x.due_at)
                  if (query.due_before !== undefined && !(due < Date.parse(query.due_before))) return false
                  if (query.due_after !== undefined && !(due >= Date.parse(query.due_after))) return false
                }
                return true
              })
              const params = new URLSearchParams()
              for (const [key, value] of Object.entries(query)) {
                for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v))
              }
              const seen: Task[] = []
              let cursor: string | null = null
              for (let pages = 0; ; pages++) {
                assert.ok(pages <= 100, 'pagination ends')
                const page = new URLSearchParams(params)
                if (cursor) page.set('cursor', cursor)
                const req = { method: 'GET', path: `${base(carol)}?${page}`, headers: auth(carol) }
                const a = await send(req)
                assert.equal(a.status, 200, `${show(req)} → ${a.text}`)
                const body = JSON.parse(a.text) as { items: Task[]; next_cursor: string | null }
                assert.ok(body.items.length <= (query.limit ?? 50), show(req))
                seen.push(...body.items)
                cursor = body.next_cursor
                if (!cursor) break
              }
              const where = `?${params}`
              assert.deepEqual(seen.map((x) => x.id).sort(), expected.map((x) => x.id).sort(), `matching set: ${where}`)
              const sort = query.sort ?? 'created_at'
              if (sort !== 'title') {
                const key = (x: Task): number | null =>
                  sort === 'priority'
                    ? PRIORITIES.indexOf(x.priority)
                    : x[sort] === null
                      ? null
                      : Date.parse(x[sort] as string)
                const sign = (query.order ?? 'desc') === 'asc' ? 1 : -1
                for (let i = 1; i < seen.length; i++) {
                  const [p, c] = [key(seen[i - 1] as Task), key(seen[i] as Task)]
                  if (p === null) assert.equal(c, null, `tasks without due_at sort last: ${where}`)
                  else if (c !== null) assert.ok(sign * (c - p) >= 0, `sorted by ${sort}: ${where}`)
                }
              }
            }),
          )
        })
      })

      // -- Headers and paths ---------------------------------------------------------------

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
        const JSON_OK = [
          ...JSON_TYPES,
          'application/json;charset=UTF-8',
          'application/vnd.api+json',
          'APPLICATION/JSON ',
        ]
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
}

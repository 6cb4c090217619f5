/**
 * The one check of an RFC 9457 problem document (API.md "Errors"): status, media type, a
 * non-empty type and title, nothing internal in the text, and for a 422 the fields it names.
 */
import assert from 'node:assert/strict'

export type Problem = {
  type: string
  title: string
  status: number
  detail?: string
  code?: string
  errors?: { field: string; message: string }[]
}

/** Things that must never reach a client (API.md: no stack traces, SQL or internal messages). */
export const LEAKS = [
  /\n\s+at\s|\bat [\w.<>]+ \(/, // stack frames
  /node_modules|\.[cm]?[jt]sx?:\d+|file:\/\//,
  /\b(select|insert into|delete from|update \S+ set)\b/i,
  /duplicate key|violates|constraint|relation "|syntax error|invalid byte sequence|unterminated/i,
  /\b(postgres|postgresql|pglite|drizzle|zod|hono|kysely|undici|argon2)\b/i,
  /\b(TypeError|ReferenceError|SyntaxError|RangeError|Error:)/,
  /\[object Object\]|Cannot read propert|is not a function|Unexpected token|in JSON at position|Malformed JSON/,
]

export function assertNoLeak(text: string, what = '') {
  for (const leak of LEAKS)
    assert.doesNotMatch(text, leak, `${what}: error body leaks internals: ${text.slice(0, 500)}`)
}

/** Reads a problem document, checking its media type on the way. */
export async function readProblem(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? ''
  if (!type.startsWith('application/problem+json'))
    throw new Error(`expected problem+json, got ${type}: ${await res.text()}`)
  return (await res.json()) as Problem
}

export type ProblemExpectations = {
  /** A 422 whose `errors` name exactly these fields. */
  fields?: string[]
  /** A 422 whose `errors` name at least these fields (or a field below one, `tags.0` for `tags`). */
  including?: string[]
  /** Checks the text against LEAKS. @default true */
  noLeak?: boolean
  /** Says which request this was in a failure message. */
  what?: string
}

/**
 * `res` is a problem document with this status; returns it. A 422 must list its errors, each
 * with a message.
 */
export async function assertProblem(res: Response, status: number, expect: ProblemExpectations = {}): Promise<Problem> {
  const { what = '', noLeak = true } = expect
  const text = await res.clone().text()
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status}: ${text.slice(0, 500)}`)
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/, `${what}: media type`)
  if (noLeak) assertNoLeak(text, what)
  const body = JSON.parse(text) as Problem
  assert.equal(typeof body.type, 'string', `${what}: problem type`)
  assert.ok(body.type.length > 0, `${what}: problem type is empty`)
  assert.equal(typeof body.title, 'string', `${what}: problem title`)
  assert.ok(body.title.length > 0, `${what}: problem title is empty`)
  assert.equal(body.status, status, what)
  if (status === 422 || expect.fields || expect.including) {
    assert.ok(Array.isArray(body.errors) && body.errors.length > 0, `${what}: a 422 lists its errors`)
    for (const e of body.errors) {
      assert.equal(typeof e.message, 'string', `${what}: message for ${e.field}`)
      assert.ok(e.message.length > 0, `${what}: no message for ${e.field}`)
    }
    const named = body.errors.map((e) => e.field)
    if (expect.fields) assert.deepEqual([...new Set(named)].sort(), [...expect.fields].sort(), what)
    for (const field of expect.including ?? []) {
      assert.ok(
        named.some((n) => n === field || n.startsWith(`${field}.`)),
        `${what}: expected an error for ${field}, got ${JSON.stringify(body.errors)}`,
      )
    }
  }
  return body
}

/** A 401 as API.md has it: a problem document plus `WWW-Authenticate: Bearer`. */
export async function assertUnauthorized(res: Response, what = ''): Promise<Problem> {
  assert.equal(res.status, 401, `${what}: expected 401, got ${res.status}: ${await res.clone().text()}`)
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${what}: WWW-Authenticate`)
  return assertProblem(res, 401, { what })
}

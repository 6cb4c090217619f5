/**
 * What every fuzzed answer must be: no 5xx, a clean problem document for a 4xx, a task that
 * keeps the contract, an Object.prototype nobody polluted.
 */
import assert from 'node:assert/strict'
import type { TaskJson } from '../../src/tasks/schemas.js'
import { LEAKS } from '../../testkit/problem.js'
import { TASK_KEYS } from '../support/task-shape.js'

export const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort()
export function assertNoPollution(where: string) {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTOTYPE_KEYS, `prototype polluted: ${where}`)
  assert.equal(({} as Record<string, unknown>).polluted, undefined, `prototype polluted: ${where}`)
}

// ---------------------------------------------------------------------------------------
// Wire types and the contract's invariants

export type Priority = TaskJson['priority']
export type Task = TaskJson
export type Editable = Pick<Task, 'title' | 'description' | 'priority' | 'tags' | 'due_at'>

export const PRIORITIES: readonly Priority[] = ['low', 'medium', 'high']
export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
export const DEFAULTS: Omit<Editable, 'title'> = { description: '', priority: 'medium', tags: [], due_at: null }

export const codePoints = (s: string) => [...s].length

export function assertTimestamp(value: unknown, what: string) {
  assert.equal(typeof value, 'string', what)
  assert.match(value as string, RFC3339_UTC, what)
  assert.ok(!Number.isNaN(Date.parse(value as string)), what)
}

/** API.md's "Task" invariants, whatever the input was. */
export function assertTaskInvariants(value: unknown, userId: string, where: string) {
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

export const dedupe = (list: string[]) => [...new Set(list)]

/** What the contract stores for an accepted input: given fields normalised, others from `base`. */
export function normalised(
  input: Record<string, unknown>,
  base: Omit<Editable, 'title'> & { title?: string },
): Editable {
  const has = (key: string) => Object.hasOwn(input, key)
  return {
    title: has('title') ? (input.title as string).trim() : (base.title as string),
    description: has('description') ? (input.description as string).replace(/^\uFEFF+/, '') : base.description,
    priority: has('priority') ? (input.priority as Priority) : base.priority,
    tags: has('tags') ? dedupe((input.tags as string[]).map((t) => t.trim().toLowerCase())) : base.tags,
    due_at: has('due_at')
      ? input.due_at === null
        ? null
        : new Date(input.due_at as string).toISOString()
      : base.due_at,
  }
}

export const editable = (task: Task): Editable => ({
  title: task.title,
  description: task.description,
  priority: task.priority,
  tags: task.tags,
  due_at: task.due_at,
})

// ---------------------------------------------------------------------------------------
// Problem documents

export type Answer = { method: string; status: number; type: string; text: string; headers: Headers }

/** Never a 5xx; a 4xx is a clean problem document. `ours`: a route whose 422s list `errors`. */
export function assertWellFormed(a: Answer, where: string, ours = true) {
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
export class RawJson {
  constructor(readonly text: string) {}
}

export function toJsonText(value: unknown): string | undefined {
  if (value instanceof RawJson) return value.text
  if (Array.isArray(value)) return `[${value.map((v) => toJsonText(v) ?? 'null').join(',')}]`
  if (value && typeof value === 'object') return objectText(Object.entries(value))
  return JSON.stringify(value)
}

/** An object from key/value pairs: keys may repeat and may be `__proto__`. */
export function objectText(pairs: [string, unknown][]): string {
  const members = pairs.flatMap(([k, v]) => {
    const text = toJsonText(v)
    return text === undefined ? [] : [`${JSON.stringify(k)}:${text}`]
  })
  return `{${members.join(',')}}`
}

/**
 * The fast-check generators of the fuzz tests: adversarial strings, wrong values, raw and
 * not-UTF-8 bodies, content types, instants, and task fields valid and not.
 */
import fc from 'fast-check'
import { objectText, PRIORITIES, RawJson } from './checks.js'

export const SPECIAL_CHARS = [
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
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']

export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))
export const oneChar = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_CHARS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
)
export const text = (maxLength: number) => fc.string({ unit: oneChar, maxLength })
/** Strings around a length limit, in characters that are 1, 2 or more UTF-16 units or bytes. */
export const around = (limit: number) =>
  fc
    .tuple(fc.constantFrom('a', 'İ', 'é', 'e\u0301', '😀', ' ', '€'), fc.constantFrom(limit - 1, limit, limit + 1))
    .map(([c, n]) => c.repeat(n))
/** A string that puts a body just under or over the 64 KiB limit. */
export const huge = fc
  .tuple(fc.constantFrom('x', '€', '😀'), fc.integer({ min: 65_536 - 300, max: 65_536 + 50 }))
  .map(([c, bytes]) => c.repeat(Math.floor(bytes / Buffer.byteLength(c))))
export const adversarialString = fc.oneof(
  { weight: 8, arbitrary: text(40) },
  { weight: 2, arbitrary: text(300) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS, "'; drop table task; --", '%_%', '\\', 'null', '') },
  { weight: 1, arbitrary: huge },
)
export const deepNesting = fc
  .tuple(fc.constantFrom('[', '{"a":'), fc.integer({ min: 1, max: 20_000 }))
  .map(([open, depth]) => new RawJson(open.repeat(depth) + (open === '[' ? ']' : '1}').repeat(depth)))
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: adversarialString },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
  { weight: 2, arbitrary: fc.array(adversarialString, { maxLength: 12 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...PROTO_KEYS, 'a'), fc.jsonValue({ maxDepth: 1 })) },
  { weight: 1, arbitrary: deepNesting },
)

export type Body = string | Uint8Array | undefined

/**
 * JSON object bodies for a schema: the right keys with plausible or wrong values, maybe
 * extra keys (prototype names, near-miss spellings, duplicates), in any order.
 */
export function objectBody(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string> {
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

export const INVALID_UTF8 = [
  [0xff],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0x7b, 0x22, 0xe2, 0x82, 0x22, 0x7d],
  [0xfe, 0xff],
]

/** Any body at all: mostly schema-shaped objects, also other JSON, broken JSON and raw bytes. */
export function anyBody(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Body> {
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

export const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/merge+json',
]
export const NOT_JSON_TYPES = [
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
export function isJsonType(type: string | undefined): boolean {
  const essence = type?.split(';')[0]?.trim().toLowerCase() ?? ''
  return essence === 'application/json' || /^application\/[\w.-]+\+json$/.test(essence)
}

/** Mostly JSON, so bodies reach validation; sometimes anything else or no Content-Type at all. */
export const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant<string | undefined>('application/json') },
  { weight: 2, arbitrary: fc.constantFrom<string | undefined>(...JSON_TYPES) },
  { weight: 2, arbitrary: fc.constantFrom<string | undefined>(...NOT_JSON_TYPES, undefined) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
)

export const instantIn = (from: string, to: string) =>
  fc.date({ min: new Date(from), max: new Date(to), noInvalidDate: true })
/** RFC 3339 in UTC or with an offset, with or without fractions. */
export const rfc3339 = fc
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
export const badInstant = fc.constantFrom(
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
export const TASK_FIELDS: Record<string, fc.Arbitrary<unknown>> = {
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
export const printable = (minLength: number, maxLength: number) =>
  fc
    .string({ unit: 'grapheme-composite', minLength, maxLength })
    .filter((s) => s.trim() === s && s.length > 0 && !/[\u0000-\u001f\u007f-\u009f]/.test(s))
export const VALID_TASK_FIELDS = {
  title: fc.tuple(printable(1, 100), fc.constantFrom('', ' ', '  ')).map(([s, pad]) => pad + s + pad),
  description: fc.string({ unit: 'grapheme-composite', maxLength: 500 }),
  priority: fc.constantFrom(...PRIORITIES),
  tags: fc.array(printable(1, 16), { maxLength: 10 }),
  due_at: fc.oneof(fc.constant(null), rfc3339),
}

// ---------------------------------------------------------------------------------------

/** Hand-picked inputs every run tries first: the attacks and edge cases that matter most. */
export type BodyCase = [Body, string | undefined]
export const JSON_TYPE = 'application/json'
export const TASK_EXAMPLES: BodyCase[] = [
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

export const preview = (body: Body) =>
  body === undefined
    ? '(none)'
    : typeof body === 'string'
      ? JSON.stringify(body.length > 300 ? `${body.slice(0, 300)}… (${body.length})` : body)
      : `bytes ${Buffer.from(body).toString('hex').slice(0, 200)}`

export function parseObject(body: Body): Record<string, unknown> | undefined {
  if (typeof body !== 'string') return undefined
  try {
    const value: unknown = JSON.parse(body.replace(/^\ufeff/, '')) // RFC 8259 §8.1: a BOM may be ignored
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

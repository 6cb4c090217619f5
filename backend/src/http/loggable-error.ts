/**
 * How an error is written to the log: what an operator needs to find the fault (its type, the
 * SQL text, the database's error code and the cause's, where it was thrown), never the values a
 * query was given. Those travel in many places: Drizzle's message ends with them
 * ("Failed query: … params: <token>,<email>"), Drizzle and PGlite keep them as `params`,
 * PostgreSQL repeats them in `detail` ("Key (email)=(…) already exists") and, for bad input, in
 * its message ('invalid input syntax for type uuid: "…"'). So fields are copied from a list,
 * never all of them, and a message is kept only where it cannot carry a value.
 */

export type LoggedError = {
  type: string
  message?: string
  /** The SQL text, with placeholders ($1) where the values were. */
  query?: string
  code?: string | number
  stack?: string
  cause?: LoggedError
  errors?: LoggedError[]
  [field: string]: unknown
}

/** Fields copied as they are when they hold a string or a number: none of them can hold a bound value. */
const SAFE_FIELDS = [
  'code',
  'errno',
  'syscall',
  'address',
  'port',
  'status',
  'statusCode',
  'severity',
  'schema',
  'table',
  'column',
  'constraint',
  'routine',
] as const

/**
 * SQLSTATE classes whose messages name objects (constraints, columns, tables) or states, never a
 * value: connection (08), integrity (23, the values are in `detail`), transaction state (25,
 * 40), syntax and access (42), resources and limits (53, 54, 55), operator action (57), system
 * (58, XX). Others, data exceptions (22) and raised exceptions (P0) above all, lose the message.
 */
const MESSAGE_SAFE_SQLSTATE_CLASSES = new Set(['08', '23', '25', '40', '42', '53', '54', '55', '57', '58', 'XX'])
const SQLSTATE = /^[0-9A-Z]{5}$/
/** Where Drizzle's message starts listing the values. */
const DRIZZLE_PARAMS = /\r?\nparams: [\s\S]*$/
/** Shorter values are not searched for in messages: they would match ordinary words. */
const MIN_SCRUBBED_VALUE_LENGTH = 6
const MAX_DEPTH = 5
const MAX_AGGREGATED = 10

/** The log's view of `err` (pino's `serializers.err`); anything that is not an Error passes unchanged. */
export function loggableError(err: unknown): unknown {
  if (!(err instanceof Error)) return err
  return describe(err, boundValues(err), 0)
}

/** A message for a log line that has none: the error's own, when it is safe to keep, else its type. */
export function loggableMessage(err: unknown): string {
  const logged = loggableError(err) as Partial<LoggedError>
  return logged?.message ?? logged?.type ?? String(err)
}

function describe(err: Error, values: readonly string[], depth: number): LoggedError {
  const source = err as Error & Record<string, unknown>
  const logged: LoggedError = { type: typeName(err) }
  const message = safeMessage(source, values)
  if (message !== undefined) logged.message = message
  if (typeof source.query === 'string') logged.query = source.query
  for (const field of SAFE_FIELDS) {
    const value = source[field]
    if (typeof value === 'string' || typeof value === 'number') logged[field] = value
  }
  const frames = stackFrames(err.stack)
  if (frames) logged.stack = frames
  if (depth < MAX_DEPTH) {
    if (err.cause instanceof Error) logged.cause = describe(err.cause, values, depth + 1)
    if (Array.isArray(source.errors)) {
      logged.errors = source.errors
        .slice(0, MAX_AGGREGATED)
        .filter((e): e is Error => e instanceof Error)
        .map((e) => describe(e, values, depth + 1))
    }
  }
  return logged
}

function typeName(err: Error): string {
  const constructorName = err.constructor?.name
  return constructorName && constructorName !== 'Object' ? constructorName : err.name
}

function safeMessage(err: Error & Record<string, unknown>, values: readonly string[]): string | undefined {
  // Drizzle's own message: rebuilt from the SQL text rather than trimmed, so nothing after it survives.
  if (typeof err.query === 'string' && Array.isArray(err.params) && /^Failed query: /.test(err.message)) {
    return `Failed query: ${err.query}`
  }
  const code = err.code
  if (typeof code === 'string' && SQLSTATE.test(code) && !MESSAGE_SAFE_SQLSTATE_CLASSES.has(code.slice(0, 2))) {
    return undefined
  }
  return scrub(err.message, values)
}

/** Cuts a Drizzle value list another message may have taken in, and any value a query in the chain was given. */
function scrub(message: string, values: readonly string[]): string {
  let text = message.replace(DRIZZLE_PARAMS, '')
  for (const value of values) text = text.replaceAll(value, '[value]')
  return text
}

/** The frames only: the first lines of a stack repeat the message, with whatever it carries. */
function stackFrames(stack: string | undefined): string | undefined {
  if (!stack) return undefined
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line))
  return frames.length > 0 ? frames.join('\n') : undefined
}

/** Every string value bound to a query anywhere in the chain (`params` of Drizzle's and PGlite's errors). */
function boundValues(err: Error): string[] {
  const values = new Set<string>()
  const visit = (e: unknown, depth: number) => {
    if (!(e instanceof Error) || depth > MAX_DEPTH) return
    const params = (e as { params?: unknown }).params
    if (Array.isArray(params)) collectStrings(params, values, 0)
    visit(e.cause, depth + 1)
    const errors = (e as { errors?: unknown }).errors
    if (Array.isArray(errors)) for (const inner of errors.slice(0, MAX_AGGREGATED)) visit(inner, depth + 1)
  }
  visit(err, 0)
  // Longest first, so a value that contains another is replaced whole.
  return [...values].sort((a, b) => b.length - a.length)
}

function collectStrings(value: unknown, into: Set<string>, depth: number): void {
  if (typeof value === 'string') {
    if (value.length >= MIN_SCRUBBED_VALUE_LENGTH) into.add(value)
  } else if (Array.isArray(value) && depth < 3) {
    for (const item of value) collectStrings(item, into, depth + 1)
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date) && depth < 3) {
    for (const item of Object.values(value)) collectStrings(item, into, depth + 1)
  }
}

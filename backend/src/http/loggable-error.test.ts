/**
 * What the log keeps of an error (loggable-error.ts), on errors shaped like Drizzle's, PGlite's
 * and PostgreSQL's. No database: test/http/error-logs.test.ts makes real ones fail.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DrizzleQueryError } from 'drizzle-orm'
import { type LoggedError, loggableError, loggableMessage } from './loggable-error.js'

const TOKEN = 'sessiontoken0123456789abcdef'
const EMAIL = 'ada@example.com'

/** A PostgreSQL error as pg and PGlite build them. */
function databaseError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields)
}

const logged = (err: unknown) => loggableError(err) as LoggedError

describe('loggableError', () => {
  it("rebuilds Drizzle's message from the SQL text, without the values it lists", () => {
    const query = 'select "id" from "session" where "token" = $1 and "email" = $2'
    const err = new DrizzleQueryError(query, [TOKEN, EMAIL], new Error('PGlite is closed'))
    const out = logged(err)
    assert.equal(out.type, 'DrizzleQueryError')
    assert.equal(out.message, `Failed query: ${query}`)
    assert.equal(out.query, query)
    assert.equal(out.cause?.message, 'PGlite is closed')
    assert.doesNotMatch(JSON.stringify(out), new RegExp(`${TOKEN}|${EMAIL}|params`))
  })

  it('keeps a database message that names objects, drops one that may hold a value, and never copies detail', () => {
    const duplicate = databaseError('duplicate key value violates unique constraint "user_email_unique"', {
      code: '23505',
      detail: `Key (email)=(${EMAIL}) already exists.`,
      constraint: 'user_email_unique',
      table: 'user',
    })
    assert.deepEqual(
      { ...logged(duplicate), stack: undefined },
      {
        type: 'Error',
        message: 'duplicate key value violates unique constraint "user_email_unique"',
        code: '23505',
        constraint: 'user_email_unique',
        table: 'user',
        stack: undefined,
      },
    )
    const badInput = databaseError(`invalid input syntax for type uuid: "${TOKEN}"`, {
      code: '22P02',
      routine: 'string_to_uuid',
    })
    const out = logged(badInput)
    assert.equal(out.message, undefined)
    assert.equal(out.code, '22P02')
    assert.equal(out.routine, 'string_to_uuid')
    assert.equal(loggableMessage(badInput), 'Error', 'a line without a message of its own says the type')
    assert.equal(logged(databaseError(`refused: ${TOKEN}`, { code: 'P0001' })).message, undefined)
  })

  it('drops the values PGlite attaches to its errors, and finds them in any message of the chain', () => {
    const pglite = databaseError(`value too long for ${TOKEN}`, {
      code: '22001',
      query: 'insert into "task" ("title") values ($1)',
      params: [TOKEN],
    })
    const wrapped = new Error(`Failed to create task: ${TOKEN}`, { cause: pglite })
    const out = logged(wrapped)
    assert.equal(out.message, 'Failed to create task: [value]')
    assert.equal(out.cause?.query, 'insert into "task" ("title") values ($1)')
    assert.equal(out.cause?.code, '22001')
    assert.doesNotMatch(JSON.stringify(out), new RegExp(TOKEN))
  })

  it('cuts a Drizzle value list that another message took in', () => {
    const err = new Error(`Failed to get session: Failed query: select 1\nparams: ${TOKEN},${EMAIL}`)
    assert.equal(logged(err).message, 'Failed to get session: Failed query: select 1')
  })

  it('keeps the frames of the stack, not the message lines that head it', () => {
    const err = new Error(`first line ${TOKEN}\nsecond line ${EMAIL}`, { cause: databaseError('x', { code: '22P02' }) })
    const { stack } = logged(err)
    assert.match(stack ?? '', /^\s+at /)
    assert.doesNotMatch(stack ?? '', new RegExp(`${TOKEN}|${EMAIL}`))
  })

  it('keeps what a network failure says, with the errors an AggregateError holds', () => {
    const refused = (address: string) =>
      databaseError(`connect ECONNREFUSED ${address}:5432`, {
        code: 'ECONNREFUSED',
        syscall: 'connect',
        address,
        port: 5432,
      })
    const out = logged(new AggregateError([refused('::1'), refused('127.0.0.1')], ''))
    assert.equal(out.type, 'AggregateError')
    assert.deepEqual(
      out.errors?.map((e) => [e.message, e.code, e.address]),
      [
        ['connect ECONNREFUSED ::1:5432', 'ECONNREFUSED', '::1'],
        ['connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED', '127.0.0.1'],
      ],
    )
  })

  it('passes what is not an error unchanged', () => {
    for (const value of ['text', 42, null, undefined, { a: 1 }]) assert.deepEqual(loggableError(value), value)
  })
})

/**
 * What the log keeps of a failed query: the SQL text, the error's type and codes and where it was
 * thrown, enough for an operator to find the fault, but never the values bound to the query
 * (session tokens, emails, password hashes), whoever logs it and however.
 */

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { sql } from 'drizzle-orm'
import { type Database, openDb } from '../../src/db/client.js'
import { migrate } from '../../src/db/migrate.js'
import { createLogger } from '../../src/http/logger.js'
import { createBackground } from '../../src/jobs/background.js'
import { migratedPgliteSnapshot } from '../../testkit/pglite-snapshot.js'
import { type Driver, describeEachDriver, startTestApp, testDatabase } from '../support/harness.js'

/** A production logger (the one server.ts makes) writing its lines to memory. */
function memoryLogger() {
  const lines: string[] = []
  const log = createLogger('debug', { write: (line: string) => void lines.push(line) })
  return { log, text: () => lines.join(''), records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) }
}

async function ownDatabase(driver: Driver): Promise<Database> {
  const database =
    driver === 'pg'
      ? await openDb({ url: process.env.TEST_DATABASE_URL })
      : await openDb({ snapshot: await migratedPgliteSnapshot() })
  await migrate(database)
  return database
}

function assertNoneIn(text: string, secrets: Record<string, string>) {
  for (const [what, secret] of Object.entries(secrets)) {
    assert.ok(secret.length >= 8, what)
    assert.equal(
      text.includes(secret),
      false,
      `the log holds the ${what}: …${text.slice(text.indexOf(secret) - 200, text.indexOf(secret) + 40)}`,
    )
  }
}

/** An argon2id hash as Better Auth stores it: whatever its salt, it starts so. */
const PASSWORD_HASH = /\$argon2id\$v=\d+\$m=\d+/

describeEachDriver('the log of a failed query', (driver) => {
  it('a database that went away: requests with a session token, an email, a password log the SQL, not them', async () => {
    const database = await ownDatabase(driver)
    const { log, text, records } = memoryLogger()
    const app = await startTestApp(driver, {}, { database, log })
    try {
      const user = await app.signup()
      await database.close()
      const requests = [
        app.get('/api/me', user.session_token),
        app.get('/api/me', undefined, { cookie: user.cookie }),
        app.get('/api/me', user.token),
        app.post('/api/auth/signin', { email: user.user.email, password: user.password }),
        app.post('/api/auth/signup', { email: `again-${user.user.email}`, password: user.password }),
      ]
      for (const res of await Promise.all(requests)) {
        assert.ok(res.status >= 500, `a database that is gone is a 5xx, got ${res.status}`)
        await res.body?.cancel()
      }
      assertNoneIn(text(), {
        'session token': user.session_token,
        'session cookie': decodeURIComponent(user.cookie.split('=')[1] ?? ''),
        'access token': user.token,
        email: user.user.email,
        password: user.password,
      })
      const failures = records().filter((r) => r.err)
      assert.ok(failures.length >= 3, `the failures are logged (${failures.length})`)
      assert.match(text(), /"query":"select \\"id\\"[^\n]*from \\"session\\"/, 'the failed SQL, for the operator')
      assert.match(text(), /Failed query: select/)
    } finally {
      await app.close()
      await database.close().catch(() => {})
    }
  })

  it('a password change the database refuses logs its SQL and SQLSTATE, not the new hash or the password', async () => {
    const { log, text } = memoryLogger()
    const app = await startTestApp(driver, {}, { log })
    const { db } = await testDatabase(driver)
    const fn = `refuse_${randomUUID().replaceAll('-', '')}`
    try {
      const user = await app.signup()
      // The database's own message carries the new hash, as PostgreSQL's do for bad input.
      await db.execute(
        sql.raw(
          `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused: %', NEW.password; END $$`,
        ),
      )
      await db.execute(
        sql.raw(
          `CREATE TRIGGER ${fn} BEFORE UPDATE ON account FOR EACH ROW WHEN (OLD.user_id = '${user.user.id}') EXECUTE FUNCTION ${fn}()`,
        ),
      )
      const newPassword = `a new passphrase ${randomUUID()}`
      const res = await app.fetch('/api/me/password', {
        method: 'PUT',
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ current_password: user.password, new_password: newPassword }),
      })
      assert.equal(res.status, 500)
      await res.body?.cancel()

      const logged = text()
      assert.doesNotMatch(logged, PASSWORD_HASH, 'no password hash in the log')
      assertNoneIn(logged, { 'new password': newPassword, 'old password': user.password, 'access token': user.token })
      assert.match(logged, /"query":"update \\"account\\" set/, 'the failed SQL')
      assert.match(logged, /"code":"P0001"/, 'the SQLSTATE of the cause')
    } finally {
      await db.execute(sql.raw(`DROP TRIGGER IF EXISTS ${fn} ON account`))
      await db.execute(sql.raw(`DROP FUNCTION IF EXISTS ${fn}()`))
      await app.close()
    }
  })

  describe('whoever logs it', () => {
    const token = `tok${randomUUID().replaceAll('-', '')}`
    const email = `err-${randomUUID().slice(0, 8)}@example.com`
    const hash = `$argon2id$v=19$m=19456,t=2,p=1$${randomUUID()}`

    /** A real failed query holding all three: PostgreSQL's message repeats the first (22P02). */
    async function failedQuery(driver: Driver): Promise<Error> {
      const { db } = await testDatabase(driver)
      try {
        await db.execute(sql`select ${token}::uuid, ${email}::text, ${hash}::text`)
      } catch (err) {
        return err as Error
      }
      assert.fail('the query should have failed')
    }

    it('the same error logged every way pino allows, and by a background job, keeps the values out', async () => {
      const err = await failedQuery(driver)
      assert.match(String(err.message), new RegExp(token), 'the raw error does carry the token')
      const { log, text, records } = memoryLogger()
      log.error(err)
      log.error({ err })
      log.warn({ err }, 'database unavailable')
      log.child({ component: 'mail' }).error({ err, subject: 'x' }, 'mail delivery failed')
      log.error({ error: err, cause: err }, 'under other names')
      const background = createBackground(log)
      const { db } = await testDatabase(driver)
      background.run('a job', () => db.execute(sql`select ${token}::uuid, ${email}::text, ${hash}::text`))
      await background.idle()

      assertNoneIn(text(), { token, email, hash })
      const lines = records()
      assert.equal(lines.length, 6)
      for (const line of lines) {
        const logged = JSON.stringify(line)
        assert.match(logged, /select \$1::uuid, \$2::text, \$3::text/, `the SQL text in ${logged}`)
        assert.match(logged, /22P02/, `the cause's SQLSTATE in ${logged}`)
        assert.match(logged, /"stack":"\s+at /, `where it was thrown, in ${logged}`)
      }
    })
  })
})

/**
 * The outbox (mail written to DATA_DIR/outbox when SMTP_URL is unset) is for development: a
 * production server does not start with it unless told to, and its log says where each mail
 * went, never the link inside, whose token opens the account to whoever reads the log.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.js'
import { createLogger } from '../../src/http/logger.js'
import { startServerProcess } from '../../testkit/server-process.js'
import { freshClient } from '../support/clients.js'
import { describeEachDriver, STRONG_PASSWORD, startTestApp, TEST_SECRET, uniqueEmail } from '../support/harness.js'
import { linkToken, nextOutboxMessageTo, outboxMessages } from '../support/mail-catcher.js'
import { mailSettled, requestReset } from '../support/mailed-links.js'
import { withTimeout } from '../support/timeout.js'

const configError = (env: Record<string, string>): string => {
  try {
    loadConfig(env)
  } catch (err) {
    assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`)
    return err.message
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(env)}`)
}

describe('the outbox in production', () => {
  const production = {
    NODE_ENV: 'production',
    BETTER_AUTH_SECRET: TEST_SECRET,
    DATA_DIR: join(tmpdir(), 'taskwell-outbox-config'),
  }

  it('is refused without SMTP_URL, naming SMTP_URL and the variable that allows it', () => {
    const message = configError(production)
    assert.match(message, /\bSMTP_URL\b/)
    assert.match(message, /\bMAIL_OUTBOX_IN_PRODUCTION=true\b/)
  })

  it('is allowed only by MAIL_OUTBOX_IN_PRODUCTION=true; an SMTP_URL needs nothing else', () => {
    assert.match(configError({ ...production, MAIL_OUTBOX_IN_PRODUCTION: 'false' }), /\bSMTP_URL\b/)
    assert.match(configError({ ...production, MAIL_OUTBOX_IN_PRODUCTION: 'yes' }), /\bMAIL_OUTBOX_IN_PRODUCTION\b/)
    assert.equal(loadConfig({ ...production, MAIL_OUTBOX_IN_PRODUCTION: 'true' }).smtpUrl, undefined)
    assert.equal(loadConfig({ ...production, SMTP_URL: 'smtp://mail.example.com:587' }).env, 'production')
  })

  it('outside production the outbox needs no setting', () => {
    for (const NODE_ENV of ['development', 'test']) {
      assert.equal(loadConfig({ ...production, NODE_ENV }).smtpUrl, undefined, NODE_ENV)
    }
  })

  it('a production server without SMTP_URL refuses to start, saying why', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taskwell-outbox-prod-'))
    try {
      const server = startServerProcess({
        port: 0,
        env: { NODE_ENV: 'production', BETTER_AUTH_SECRET: TEST_SECRET, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      })
      const { code } = await withTimeout(server.exited, 20_000, 'the production server without SMTP_URL')
      const output = server.output()
      assert.notEqual(code, 0, output)
      assert.match(output, /\bSMTP_URL\b/)
      assert.doesNotMatch(output, /listening|ready at/i)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describeEachDriver('the outbox log', (driver) => {
  it('says a mail was written and where, never its link or the token in it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taskwell-outbox-log-'))
    const lines: string[] = []
    const log = createLogger('debug', { write: (line: string) => void lines.push(line) })
    const app = await startTestApp(driver, { DATA_DIR: dataDir }, { log })
    try {
      const email = uniqueEmail('outbox')
      const up = await app.post('/api/auth/signup', { email, password: STRONG_PASSWORD })
      assert.equal(up.status, 201)
      await nextOutboxMessageTo(join(dataDir, 'outbox'), email)
      assert.equal((await requestReset(app, email, freshClient())).status, 202)
      await mailSettled(app)
      const messages = await outboxMessages(join(dataDir, 'outbox'))
      const tokens = messages.map((m) => linkToken(m, /reset/i.test(m.subject) ? 'reset-password' : 'verify-email'))
      assert.equal(tokens.length, 2, 'a verification and a reset mail')

      const text = lines.join('')
      for (const token of tokens) assert.equal(text.includes(token), false, 'a mailed token is in the log')
      assert.doesNotMatch(text, /#token=/, 'no link with its token')
      const written = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.component === 'mail')
      assert.ok(written.length >= 2, `one line per mail written (${written.length})`)
      for (const line of written) {
        assert.match(String(line.file), new RegExp(`^${join(dataDir, 'outbox')}/.+\\.eml$`), 'where to open it')
        assert.equal(typeof line.subject, 'string')
      }
    } finally {
      await app.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

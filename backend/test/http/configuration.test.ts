/**
 * Configuration (README "Configuration"): every bad variable named at once, and a server
 * that refuses to start on one.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.js'
import { startServerProcess } from '../../testkit/server-process.js'
import { closeDatabases, TEST_SECRET } from '../support/harness.js'
import { withTimeout } from '../support/timeout.js'
import { serverEnv } from './support.js'

after(closeDatabases)

describe('configuration', () => {
  const base = { BETTER_AUTH_SECRET: TEST_SECRET, DATA_DIR: join(tmpdir(), 'taskwell-config-test') }

  const configError = (env: Record<string, string>): string => {
    try {
      loadConfig(env)
    } catch (err) {
      assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`)
      return err.message
    }
    assert.fail(`expected a ConfigError for ${JSON.stringify(env)}`)
  }

  it('names every bad variable in one error', () => {
    const message = configError({ ...base, PORT: 'abc', DATABASE_URL: 'mysql://x', TRUSTED_PROXIES: 'notanip' })
    for (const name of ['PORT', 'DATABASE_URL', 'TRUSTED_PROXIES']) assert.match(message, new RegExp(`\\b${name}\\b`))
    assert.doesNotMatch(message, /CORS_ORIGINS|LOG_LEVEL/, 'only the bad ones')
  })

  it('rejects out-of-range and malformed values', () => {
    for (const [name, value] of [
      ['PORT', '70000'],
      ['PORT', '-1'],
      ['TRUSTED_PROXIES', '10.0.0.0/33'],
      ['TRUSTED_PROXIES', '10.0.0.1, garbage'],
      ['CORS_ORIGINS', 'ftp://files.example.com'],
      ['LOG_LEVEL', 'loud'],
      ['RATE_LIMIT_SIGNUP_PER_HOUR', '0'],
      ['BETTER_AUTH_SECRET', 'too short'],
    ] as const) {
      assert.match(configError({ ...base, [name]: value }), new RegExp(`\\b${name}\\b`), `${name}=${value}`)
    }
  })

  it('accepts good values and parses lists', () => {
    const config = loadConfig({
      ...base,
      PORT: '8080',
      TRUSTED_PROXIES: '10.0.0.0/8, ::1 ,192.0.2.1',
      CORS_ORIGINS: 'https://app.example.com/, http://localhost:5173',
      DATABASE_URL: 'postgresql://u@db/x',
    })
    assert.equal(config.port, 8080)
    assert.deepEqual(config.trustedProxies, ['10.0.0.0/8', '::1', '192.0.2.1'])
    assert.deepEqual(config.corsOrigins, ['https://app.example.com', 'http://localhost:5173'])
    assert.equal(config.databaseUrl, 'postgresql://u@db/x')
  })

  it('requires BETTER_AUTH_SECRET in production, named along with any other bad variable', () => {
    assert.match(configError({ NODE_ENV: 'production', DATA_DIR: base.DATA_DIR }), /\bBETTER_AUTH_SECRET\b/)
    const both = configError({ NODE_ENV: 'production', DATA_DIR: base.DATA_DIR, PORT: 'abc' })
    assert.match(both, /\bBETTER_AUTH_SECRET\b/)
    assert.match(both, /\bPORT\b/)
    assert.equal(loadConfig({ ...base, NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.com' }).env, 'production')
  })

  it('the server refuses to start on a bad PORT, naming it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taskwell-badport-'))
    try {
      const server = startServerProcess({
        port: 0,
        env: serverEnv({ DATA_DIR: dataDir, PORT: 'abc', BETTER_AUTH_SECRET: TEST_SECRET }),
      })
      const { code } = await withTimeout(server.exited, 20_000, 'the server with a bad PORT')
      const output = server.output()
      assert.notEqual(code, 0, output)
      assert.match(output, /\bPORT\b/)
      assert.doesNotMatch(output, /listening|ready at/i)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

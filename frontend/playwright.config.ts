/**
 * End-to-end tests: Debian's chromium (never a downloaded browser) against the real API and
 * the production build of the web app, started together by scripts/start.ts on a fresh
 * embedded database.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from '@playwright/test'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

import { E2E_API_PORT as API_PORT, E2E_DIST_DIR, E2E_SECRET, E2E_WEB_PORT as WEB_PORT } from './e2e/ports'

// Set on process.env so the test workers, which load this file again, use the same directory
// (e2e/mail.ts reads the API's outbox there).
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'taskwell-e2e-'))
const dataDir = process.env.E2E_DATA_DIR

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/artifacts',
  workers: 1,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${WEB_PORT}`,
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'node --import tsx ../scripts/start.ts',
    url: `http://localhost:${WEB_PORT}/signin`,
    timeout: 180_000,
    reuseExistingServer: false,
    // Let scripts/start.ts stop the API and Next itself.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      WEB_PORT: String(WEB_PORT),
      API_PORT: String(API_PORT),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      BETTER_AUTH_SECRET: E2E_SECRET,
      NEXT_DIST_DIR: E2E_DIST_DIR,
      NEXT_TELEMETRY_DISABLED: '1',
    },
  },
})

/**
 * `npm run test:e2e`: builds the web app, then runs Playwright — or says clearly why not,
 * when this machine has no chromium (CI installs it: see .ci/run).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildWebApp } from '../server/web-build'
import { E2E_DIST_DIR } from './ports'

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  console.log(`e2e: skipped, no browser at ${chromium} (install Debian's chromium: apt-get install -y chromium)`)
  process.exit(0)
}
// A build of its own (.next-e2e), beside a developer's; it holds no API address (the web server
// is told where the test API is when playwright.config.ts starts it).
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NEXT_DIST_DIR: E2E_DIST_DIR }
const run = (args: string[]) => spawnSync(process.execPath, args, { stdio: 'inherit', env })
const built = buildWebApp(fileURLToPath(new URL('..', import.meta.url)), E2E_DIST_DIR, env)
if (built !== 0) process.exit(built)
const tests = run(['../node_modules/@playwright/test/cli.js', 'test', ...process.argv.slice(2)])
process.exit(tests.status ?? 1)

/**
 * `npm run test:e2e`: builds the web app, then runs Playwright — or says clearly why not,
 * when this machine has no chromium (CI installs it: see .ci/run).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { E2E_API_PORT, E2E_DIST_DIR } from './ports'

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  console.log(`e2e: skipped, no browser at ${chromium} (install Debian's chromium: apt-get install -y chromium)`)
  process.exit(0)
}
// A build of its own (.next-e2e) whose /api proxy points at the test API (see playwright.config.ts).
const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  NEXT_DIST_DIR: E2E_DIST_DIR,
  API_URL: `http://127.0.0.1:${E2E_API_PORT}`,
}
const run = (args: string[]) => spawnSync(process.execPath, args, { stdio: 'inherit', env })
const build = run(['../node_modules/next/dist/bin/next', 'build'])
if (build.status !== 0) process.exit(build.status ?? 1)
const tests = run(['../node_modules/@playwright/test/cli.js', 'test', ...process.argv.slice(2)])
process.exit(tests.status ?? 1)

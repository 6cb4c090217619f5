/**
 * `npm run test:balancer`: the API test suite through the balancer (decision 032). Runs the test
 * files of SUITES (with `--ci`, of CI_SUITES; or the files named on the command line) in this one
 * process with TEST_THROUGH_BALANCER=1, so that one stack (PgBouncer, two server processes,
 * HAProxy) serves them all: started once, restarted only when a file's app needs another
 * environment. The files of SKIPPED do not run this way, for the reason given.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

/** The folders of API-level tests whose files run through the balancer. */
export const SUITES = [
  'test/tasks',
  'test/concurrency',
  'test/auth',
  'test/me',
  'test/second-factors',
  'test/passkeys',
  'test/sessions',
  'test/lockout',
]

/**
 * What CI runs (`--ci`), to keep it within its time: the folders whose outcome most depends on
 * which instance answers (caches, concurrent writes, revocation, counters shared in the database).
 */
export const CI_SUITES = ['test/tasks', 'test/concurrency', 'test/sessions', 'test/lockout']

/** Files of SUITES that do not run through the balancer, and why. */
export const SKIPPED: Record<string, string> = {
  'test/tasks/list-cache-bounds.test.ts': "reads the app's cache (t.services.listCache), which is in the instances",
  'test/tasks/list-cache-restore.test.ts': 'starts no app: its own database restored by pg_restore, as in npm test',
  'test/auth/access-token-claims.test.ts':
    'starts a second app with another PUBLIC_URL; the pair behind HAProxy has one',
  'test/auth/access-token-verification.test.ts': "counts the app's database queries (its pool, t.services.callers)",
  'test/auth/reset-request-answers-at-once.test.ts': "holds the app's inserts on its own database connection",
  'test/auth/rotation.test.ts': 'each rotation runs on a fresh database of its own',
  'test/auth/signing-keys-across-instances.test.ts': 'starts no app: instances in this process on a fresh database',
  'test/second-factors/totp-and-the-account-lifecycle.test.ts':
    'uses two apps with different settings at once (REQUIRE_EMAIL_VERIFICATION on one)',
  'test/passkeys/email-verification.test.ts':
    'uses two apps with different settings at once (REQUIRE_EMAIL_VERIFICATION on one)',
}

const BACKEND = resolve(import.meta.dirname, '..')

for (const file of Object.keys(SKIPPED)) {
  if (!existsSync(join(BACKEND, file))) throw new Error(`SKIPPED names ${file}, which does not exist`)
}

function filesOf(suites: string[]): string[] {
  return suites.flatMap((dir) =>
    readdirSync(join(BACKEND, dir))
      .filter((f) => f.endsWith('.test.ts'))
      .sort()
      .map((f) => `${dir}/${f}`),
  )
}

const args = process.argv.slice(2)
const named = args.filter((a) => a !== '--ci').map((f) => relative(BACKEND, resolve(f)))
const files = named.length > 0 ? named : filesOf(args.includes('--ci') ? CI_SUITES : SUITES)

process.env.TEST_THROUGH_BALANCER = '1' // before the harness is imported: it reads it once
const { balancerUnavailable } = await import('./support/balancer.js')
const unavailable = balancerUnavailable()
if (unavailable) {
  console.error(`The API suite cannot run through the balancer: ${unavailable}`)
  process.exit(1)
}
for (const file of files) {
  if (file in SKIPPED) console.log(`# skipped ${file}: ${SKIPPED[file]}`)
  else await import(pathToFileURL(join(BACKEND, file)).href)
}

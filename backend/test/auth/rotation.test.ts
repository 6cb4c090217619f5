/**
 * Rotating BETTER_AUTH_SECRET and the JWT signing key (decision 028, docs/rotation.md), on a
 * database of the test's own (a rotation changes what every instance on it can read).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'drizzle-orm'
import { decodeProtectedHeader } from 'jose'
import pg from 'pg'
import { type Database, openDb } from '../../src/db/client.js'
import { migrate } from '../../src/db/migrate.js'
import { jwks } from '../../src/db/schema.js'
import {
  checkInstancesAgree,
  InstancesDisagreeError,
  instanceFingerprint,
} from '../../src/identity/instance-agreement.js'
import {
  checkSigningKeysReadable,
  reencryptUnderCurrentSecret,
  retireSigningKeys,
  SigningKeyUnreadableError,
} from '../../src/identity/signing-keys.js'
import { freshTarget } from '../../testkit/databases.js'
import { migratedPgliteSnapshot } from '../../testkit/pglite-snapshot.js'
import { secondStep, totpAccount } from '../second-factors/support.js'
import { type Driver, describeEachDriver, startTestApp, type TestApp } from '../support/harness.js'

const OLD = 'the-old-secret-that-is-at-least-32-characters-long'
const NEW = 'the-new-secret-that-is-at-least-32-characters-long'
const OTHER = 'an-unrelated-secret-at-least-32-characters-long!!'
const PUBLIC_URL = 'http://localhost:5799'

/** A migrated database of the test's own: PGlite in memory, or a fresh PostgreSQL database. */
async function ownDatabase(driver: Driver): Promise<{ database: Database; url: string; drop(): Promise<void> }> {
  if (driver === 'pglite') {
    const database = await openDb({ snapshot: await migratedPgliteSnapshot() })
    return { database, url: '', drop: () => database.close() }
  }
  const target = await freshTarget(process.env.TEST_DATABASE_URL, 'rotation')
  const url = target.url as string
  const database = await openDb({ url })
  await migrate(database)
  return {
    database,
    url,
    async drop() {
      await database.close()
      await target.drop()
    },
  }
}

const signIn = async (t: TestApp, email: string, password: string) => {
  const res = await t.post('/api/auth/signin', { email, password })
  assert.equal(res.status, 200, `sign-in: ${res.status} ${await res.clone().text()}`)
  return (await res.json()) as { token: string }
}
const me = async (t: TestApp, token: string) => (await t.get('/api/me', token)).status
const kid = (token: string) => decodeProtectedHeader(token).kid
const publishedKids = async (t: TestApp) =>
  ((await (await t.get('/api/auth/jwks')).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort()

describeEachDriver('rotating BETTER_AUTH_SECRET', (driver) => {
  let own: Awaited<ReturnType<typeof ownDatabase>>
  const apps: TestApp[] = []
  const start = async (env: Record<string, string>) => {
    const t = await startTestApp(driver, { PUBLIC_URL, ...env }, { database: own.database })
    apps.push(t)
    return t
  }
  const stop = async (t: TestApp) => {
    await t.close()
    apps.splice(apps.indexOf(t), 1)
  }
  before(async () => {
    own = await ownDatabase(driver)
  })
  after(async () => {
    for (const t of apps) await t.close()
    await own.drop()
  })

  it('keeps tokens, the signing key, TOTP and recovery codes through new + previous, then re-encryption, then the new secret alone', async () => {
    const before = await start({ BETTER_AUTH_SECRET: OLD })
    const ann = await before.signup()
    const oldKid = kid(ann.token)
    const bob = await totpAccount(before)
    await stop(before)

    // Without the previous secret the stored private key cannot be opened: nothing signs, and the
    // server refuses to start instead.
    const newAlone = { secret: NEW, secretPrevious: undefined }
    await assert.rejects(checkSigningKeysReadable(own.database.db, newAlone), SigningKeyUnreadableError)
    await checkSigningKeysReadable(own.database.db, { secret: NEW, secretPrevious: OLD })
    const unprepared = await start({ BETTER_AUTH_SECRET: NEW })
    assert.notEqual(
      (await unprepared.post('/api/auth/signin', { email: ann.user.email, password: ann.password })).status,
      200,
    )
    await stop(unprepared)

    const overlap = await start({ BETTER_AUTH_SECRET: NEW, BETTER_AUTH_SECRET_PREVIOUS: OLD })
    assert.equal(await me(overlap, ann.token), 200, 'a token signed before the rotation verifies')
    // What a rotation ends (docs/rotation.md): Better Auth checks a session cookie's signature with
    // the current secret only, so a browser's session ends; a bearer session token is unsigned and lives.
    const tokenWith = async (headers: Record<string, string>) =>
      (await overlap.get('/api/auth/token', undefined, headers)).status
    assert.equal(await tokenWith({ cookie: ann.cookie }), 401, 'a session cookie signed with the old secret ends')
    assert.equal(await tokenWith({ authorization: `Bearer ${ann.session_token}` }), 200, 'a bearer session token lives')
    const during = await signIn(overlap, ann.user.email, ann.password)
    assert.equal(kid(during.token), oldKid, 'the stored private key still signs, opened with the previous secret')
    assert.equal(await me(overlap, during.token), 200)
    const totpStep = async (t: TestApp, proof: Record<string, string>) => {
      const res = await t.post('/api/auth/signin', { email: bob.user.email, password: bob.password })
      const { mfa_token } = (await res.json()) as { mfa_token: string }
      return (await secondStep(t, { mfa_token, ...proof })).status
    }
    assert.equal(await totpStep(overlap, { code: await bob.authenticator.freshCode() }), 200, 'TOTP secret opens')
    assert.equal(await totpStep(overlap, { recovery_code: bob.recoveryCodes[0] as string }), 200, 'recovery code')

    const done = await reencryptUnderCurrentSecret(own.database.db, overlap.config)
    assert.ok(done.signingKeys >= 1, 'the signing key is re-encrypted')
    assert.equal(done.totpSecrets, 1, 'the TOTP secret is re-encrypted')
    assert.equal(done.unreadable, 0)
    assert.deepEqual(await reencryptUnderCurrentSecret(own.database.db, overlap.config), {
      signingKeys: 0,
      totpSecrets: 0,
      unreadable: 0,
    })
    await stop(overlap)
    await checkSigningKeysReadable(own.database.db, newAlone)

    const after = await start({ BETTER_AUTH_SECRET: NEW })
    assert.equal(await me(after, ann.token), 200, 'tokens from before still verify (until their exp)')
    const later = await signIn(after, ann.user.email, ann.password)
    assert.equal(kid(later.token), oldKid, 'the same key signs, now under the new secret alone')
    assert.equal(
      await totpStep(after, { code: await bob.authenticator.freshCode() }),
      200,
      'TOTP without the old secret',
    )
  })
})

describeEachDriver('rotating the JWT signing key', (driver) => {
  let own: Awaited<ReturnType<typeof ownDatabase>>
  const apps: TestApp[] = []
  before(async () => {
    own = await ownDatabase(driver)
  })
  after(async () => {
    for (const t of apps) await t.close()
    await own.drop()
  })

  it('publishes old and new keys, signs with the new, verifies the old until its tokens expire, then drops it', async () => {
    const t = await startTestApp(driver, { PUBLIC_URL, BETTER_AUTH_SECRET: NEW }, { database: own.database })
    apps.push(t)
    const ann = await t.signup()
    const oldKid = kid(ann.token) as string
    assert.deepEqual(await publishedKids(t), [oldKid])

    assert.deepEqual(await retireSigningKeys(own.database.db), [oldKid])
    const fresh = await signIn(t, ann.user.email, ann.password)
    const newKid = kid(fresh.token) as string
    assert.notEqual(newKid, oldKid, 'new tokens are signed with a new key')
    assert.deepEqual(await publishedKids(t), [oldKid, newKid].sort(), 'the JWKS lists both')
    assert.equal(await me(t, ann.token), 200, 'a token of the old key still verifies')
    assert.equal(await me(t, fresh.token), 200)

    // Another instance, started after the rotation, accepts both too.
    const other = await startTestApp(driver, { PUBLIC_URL, BETTER_AUTH_SECRET: NEW }, { database: own.database })
    apps.push(other)
    assert.equal(await me(other, ann.token), 200)
    assert.equal(await me(other, fresh.token), 200)
    assert.equal(kid((await signIn(other, ann.user.email, ann.password)).token), newKid)

    // Once every token of the old key has expired (its retirement lies a token lifetime and the
    // margin in the past), the JWKS stops publishing it.
    const ttl = t.config.accessTokenTtlSeconds
    await own.database.db.execute(
      sql`update ${jwks} set expires_at = now() - make_interval(secs => ${ttl + 61}) where id = ${oldKid}`,
    )
    assert.deepEqual(await publishedKids(t), [newKid], 'the old key has left the JWKS')
  })
})

describe('instances in a rolling rotation of BETTER_AUTH_SECRET (PostgreSQL)', {
  skip: process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL: set TEST_DATABASE_URL',
}, () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>
  const running: pg.Client[] = []
  before(async () => {
    own = await ownDatabase('pg')
  })
  after(async () => {
    for (const c of running) await c.end()
    await own.drop()
  })
  /** A running instance as the check sees one: a connection named by its fingerprint. */
  const runInstance = async (settings: { secret: string; secretPrevious?: string }) => {
    const client = new pg.Client({
      connectionString: own.url,
      application_name: instanceFingerprint({ ...settings, publicUrl: PUBLIC_URL }),
    })
    await client.connect()
    running.push(client)
    return client
  }
  const starts = (settings: { secret: string; secretPrevious?: string }) =>
    checkInstancesAgree(own.database, instanceFingerprint({ ...settings, publicUrl: PUBLIC_URL }))

  it('starts new + previous = old next to old, and old next to new + previous = old; refuses unrelated secrets', async () => {
    const old = await runInstance({ secret: OLD })
    await starts({ secret: NEW, secretPrevious: OLD })
    await starts({ secret: OLD })
    await assert.rejects(starts({ secret: NEW }), InstancesDisagreeError, 'the new secret alone next to the old')
    await assert.rejects(starts({ secret: OTHER, secretPrevious: NEW }), InstancesDisagreeError)
    await old.end()
    running.splice(running.indexOf(old), 1)

    await runInstance({ secret: NEW, secretPrevious: OLD })
    await starts({ secret: OLD })
    await starts({ secret: NEW })
    await starts({ secret: NEW, secretPrevious: OLD })
    await assert.rejects(starts({ secret: OTHER }), InstancesDisagreeError)
    await assert.rejects(
      starts({ secret: OTHER, secretPrevious: 'yet-another-secret-of-at-least-32-characters' }),
      InstancesDisagreeError,
    )
  })
})

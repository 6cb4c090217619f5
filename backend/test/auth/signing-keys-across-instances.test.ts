/**
 * Signing keys created by another instance are trusted at once (PostgreSQL, fresh database).
 */
import assert from 'node:assert/strict'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { createJwk } from 'better-auth/plugins/jwt'
import { decodeProtectedHeader } from 'jose'
import { loadConfig } from '../../src/config.js'
import { type Database, openDb } from '../../src/db/client.js'
import { migrate } from '../../src/db/migrate.js'
import { session, user } from '../../src/db/schema.js'
import { createLogger } from '../../src/http/logger.js'
import { createServices, type Services } from '../../src/services.js'
import { freshTarget, type Target } from '../../testkit/databases.js'
import { closeDatabases, TEST_SECRET } from '../support/harness.js'
import { countQueries, ed25519, forge, now } from './forged-tokens.js'

after(closeDatabases)

/**
 * Two instances starting together on a fresh database may each create a signing key; the
 * newest key then signs every token, though one instance loaded its key set before that key
 * existed. Its tokens must still be accepted everywhere at once, not after a 30 s refresh gate.
 */
describe('signing keys created by another instance (PostgreSQL, fresh database)', {
  skip: process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL: set TEST_DATABASE_URL',
}, () => {
  const opened: Database[] = []
  const started: Services[] = []
  let target: Target | undefined
  let cannotCreate: string | undefined
  let a: Services
  let b: Services

  const subject = { userId: 'user-1', email: 'user-1@example.com', sessionId: 'session-1', amr: ['pwd'] }

  const instance = async (url: string) => {
    const database = await openDb({ url })
    opened.push(database)
    const config = loadConfig({
      NODE_ENV: 'test',
      BETTER_AUTH_SECRET: TEST_SECRET,
      LOG_LEVEL: 'silent',
      PORT: '1',
      PUBLIC_URL: 'http://localhost:1',
    })
    const services = await createServices(config, database, createLogger('silent'))
    started.push(services)
    return services
  }

  before(async () => {
    try {
      target = await freshTarget(process.env.TEST_DATABASE_URL, 'keys')
    } catch (err) {
      cannotCreate = `cannot create a fresh database: ${(err as Error).message}`
      return
    }
    const url = target.url as string
    const migrator = await openDb({ url })
    opened.push(migrator)
    await migrate(migrator)
    a = await instance(url) // creates the first key and loads it
    b = await instance(url) // loads that same single key
    // Access tokens are issued only for a live session (they never outlive it).
    await migrator.db.insert(user).values({ id: subject.userId, name: 'One', email: subject.email })
    await migrator.db.insert(session).values({
      id: subject.sessionId,
      userId: subject.userId,
      token: randomUUID(),
      expiresAt: new Date(Date.now() + 3_600_000),
    })
  })

  after(async () => {
    for (const services of started) await services.close()
    for (const database of opened) await database.close()
    await target?.drop()
  })

  it('accepts at once a token signed with a key another instance created after this one loaded its keys', async (ctx) => {
    if (cannotCreate) return ctx.skip(cannotCreate)
    const [first] = (await a.auth.api.getJwks()).keys
    // A third instance, racing at start-up, creates a second, newer key:
    const newer = await createJwk({ context: await b.auth.$context } as never, {
      jwks: { keyPairConfig: { alg: 'EdDSA', crv: 'Ed25519' } },
    })
    assert.notEqual(newer.id, first?.kid)

    for (const [issuerName, issuer] of [
      ['A', a],
      ['B', b],
    ] as const) {
      const { token } = await issuer.tokens.issue(subject)
      assert.equal(decodeProtectedHeader(token).kid, newer.id, 'the newest key signs')
      for (const [verifierName, verifier] of [
        ['A', a],
        ['B', b],
      ] as const) {
        const caller = await verifier.callers.resolve(new Headers({ authorization: `Bearer ${token}` }))
        assert.equal(caller?.userId, 'user-1', `token issued by ${issuerName}, verified by ${verifierName}`)
      }
    }
  })

  it('still reloads keys at most once per interval however many unknown kids arrive', async (ctx) => {
    if (cannotCreate) return ctx.skip(cannotCreate)
    const attacker = generateKeyPairSync('ed25519')
    const iat = now()
    const claims = {
      sub: 'x',
      sid: 'y',
      email: 'x@example.com',
      iat,
      exp: iat + 900,
      iss: 'http://localhost:1',
      aud: 'http://localhost:1',
    }
    const reloads = await countQueries(a.database, async () => {
      for (let i = 0; i < 20; i++) {
        const token = forge({ alg: 'EdDSA', kid: randomUUID() }, claims, ed25519(attacker.privateKey))
        assert.equal(await a.tokens.verify(token), null)
      }
    })
    assert.ok(reloads <= 1, `20 unknown kids caused ${reloads} key reloads`)
  })
})

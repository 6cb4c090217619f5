/**
 * The bearer JWT path against the attacks of RFC 8725 (JWT Best Current Practices):
 * every forged, altered, mis-addressed or stale token is refused by GET /api/me with
 * 401 + `WWW-Authenticate: Bearer` + a problem document, while genuine credentials
 * (access token, session token, cookie) keep working and a JWT is verified without
 * touching the database (API.md "Credentials").
 */
import assert from 'node:assert/strict'
import {
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  type JsonWebKey as NodeJsonWebKey,
  randomUUID,
  sign,
} from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createJwk } from 'better-auth/plugins/jwt'
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  type JSONWebKeySet,
  type JWK,
  jwtVerify,
} from 'jose'
import pg from 'pg'
import { loadConfig } from '../src/config.js'
import { type Database, openDb } from '../src/db/client.js'
import { migrate } from '../src/db/migrate.js'
import { createLogger } from '../src/http/logger.js'
import { createServices, type Services } from '../src/services.js'
import {
  closeDatabases,
  drivers,
  problem,
  type SignedIn,
  STRONG_PASSWORD,
  startTestApp,
  TEST_SECRET,
  type TestApp,
} from './support/harness.js'

after(closeDatabases)

type Claims = Record<string, unknown>

const b64url = (value: string | Uint8Array) => Buffer.from(value).toString('base64url')
const now = () => Math.floor(Date.now() / 1000)

/** A compact JWS built by hand, so a test controls every byte an attacker could. */
function forge(header: Claims, payload: Claims, signer: (input: Buffer) => Buffer | string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`
  const signature = signer(Buffer.from(input))
  return `${input}.${typeof signature === 'string' ? signature : signature.toString('base64url')}`
}

const ed25519 = (privateKey: KeyObject) => (input: Buffer) => sign(null, input, privateKey)
const hs256 = (secret: string | Uint8Array) => (input: Buffer) => createHmac('sha256', secret).update(input).digest()

/** What every refusal on the bearer path must look like (API.md, RFC 6750 §3). */
async function assertRefused(res: Response, what: string) {
  assert.equal(res.status, 401, `${what}: expected 401, got ${res.status}`)
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${what}: WWW-Authenticate`)
  const body = await problem(res)
  assert.equal(body.status, 401, what)
}

async function meId(res: Response): Promise<string> {
  assert.equal(res.status, 200, `expected 200, got ${res.status}: ${await res.clone().text()}`)
  return ((await res.json()) as { user: { id: string } }).user.id
}

/** Counts the app's calls into its database client (query, connect, transaction) while `fn` runs. */
async function countQueries(database: Database, fn: () => Promise<void>): Promise<number> {
  let count = 0
  let depth = 0 // pool.query calls pool.connect: count the outer call only
  const restore: (() => void)[] = []
  const wrap = <T extends object>(target: T, method: keyof T & string) => {
    const original = target[method] as unknown as (...args: unknown[]) => unknown
    if (typeof original !== 'function') return
    const own = Object.hasOwn(target, method)
    ;(target as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
      if (depth === 0) count++
      depth++
      try {
        return original.apply(this, args)
      } finally {
        depth--
      }
    }
    restore.push(() => {
      if (own) (target as Record<string, unknown>)[method] = original
      else delete (target as Record<string, unknown>)[method]
    })
  }
  if (database.pool) {
    wrap(database.pool, 'query')
    wrap(database.pool, 'connect')
  }
  if (database.pglite) {
    wrap(database.pglite, 'query')
    wrap(database.pglite, 'exec')
    wrap(database.pglite, 'transaction')
  }
  try {
    await fn()
  } finally {
    for (const undo of restore.reverse()) undo()
  }
  return count
}

for (const driver of drivers()) {
  describe(`bearer access tokens on ${driver} (RFC 8725)`, () => {
    let t: TestApp
    let ann: SignedIn
    let bob: SignedIn
    let annClaims: Claims
    let jwks: JSONWebKeySet
    let serverKey: JWK & { kid: string }

    /** Claims a genuine token for Ann would carry, fresh. */
    const validClaims = (): Claims => {
      const iat = now()
      return {
        sub: ann.user.id,
        sid: annClaims.sid,
        email: ann.user.email,
        iat,
        exp: iat + 900,
        iss: t.config.publicUrl,
        aud: t.config.publicUrl,
      }
    }

    /** A token signed with the server's own private key (via Better Auth), so only its claims can be wrong. */
    const serverSigned = async (payload: Claims) => (await t.services.auth.api.signJWT({ body: { payload } })).token

    const me = (token: string) => t.get('/api/me', token)

    before(async () => {
      t = await startTestApp(driver)
      ann = await t.signup()
      bob = await t.signup()
      annClaims = decodeJwt(ann.token)
      const res = await t.fetch('/api/auth/jwks')
      assert.equal(res.status, 200)
      jwks = (await res.json()) as JSONWebKeySet
      const key = jwks.keys.find((k) => k.kid === decodeProtectedHeader(ann.token).kid)
      assert.ok(key?.kid, 'the signing key is published')
      serverKey = key as JWK & { kid: string }
    })

    after(() => t?.close())

    it('publishes an Ed25519 public key (and nothing private) that verifies a sign-in token with the contract claims', async () => {
      assert.ok(jwks.keys.length >= 1)
      for (const key of jwks.keys) {
        assert.equal(key.kty, 'OKP')
        assert.equal(key.crv, 'Ed25519')
        assert.equal(key.alg, 'EdDSA')
        assert.equal(typeof key.kid, 'string')
        assert.equal(typeof key.x, 'string')
        assert.equal(key.d, undefined, 'the JWKS must not publish the private key')
      }

      const res = await t.post('/api/auth/signin', { email: ann.user.email, password: STRONG_PASSWORD })
      assert.equal(res.status, 200)
      const signedIn = (await res.json()) as { token: string; expires_at: string }
      const { payload, protectedHeader } = await jwtVerify(signedIn.token, createLocalJWKSet(jwks), {
        algorithms: ['EdDSA'],
        issuer: t.config.publicUrl,
        audience: t.config.publicUrl,
      })
      assert.equal(protectedHeader.alg, 'EdDSA')
      assert.equal(payload.sub, ann.user.id)
      assert.equal(payload.email, ann.user.email)
      assert.equal(typeof payload.sid, 'string')
      assert.notEqual(payload.sid, annClaims.sid, 'a new sign-in is a new session')
      assert.equal(payload.iss, t.config.publicUrl)
      assert.equal(payload.aud, t.config.publicUrl)
      assert.equal(typeof payload.iat, 'number')
      assert.equal(typeof payload.exp, 'number')
      assert.equal((payload.exp as number) - (payload.iat as number), 900)
      assert.ok(Math.abs((payload.iat as number) - now()) <= 5, 'iat is now')
      assert.equal(new Date(signedIn.expires_at).getTime(), (payload.exp as number) * 1000)
      assert.equal(await meId(await me(signedIn.token)), ann.user.id)
    })

    it('accepts a server-signed token with valid claims (the control for the refusals below)', async () => {
      assert.equal(await meId(await me(await serverSigned(validClaims()))), ann.user.id)
    })

    it('refuses alg "none" tokens with valid-looking claims', async () => {
      const genuineSignature = ann.token.split('.')[2] as string
      const variants: [string, Claims, string][] = [
        ['none, empty signature', { alg: 'none', typ: 'JWT' }, ''],
        ['None, empty signature', { alg: 'None', typ: 'JWT' }, ''],
        ['NONE with kid', { alg: 'NONE', typ: 'JWT', kid: serverKey.kid }, ''],
        ['none with a genuine signature', { alg: 'none', kid: serverKey.kid }, genuineSignature],
        ['none with junk signature', { alg: 'none' }, 'AAAA'],
      ]
      for (const [what, header, signature] of variants) {
        await assertRefused(await me(forge(header, validClaims(), () => signature)), what)
      }
    })

    it('refuses HS256 tokens whose HMAC key is the server public key, in every form', async () => {
      const x = serverKey.x as string
      const publicKey = createPublicKey({ key: serverKey as NodeJsonWebKey, format: 'jwk' })
      const secrets: [string, string | Uint8Array][] = [
        ['JWK x (text)', x],
        ['raw public key bytes', Buffer.from(x, 'base64url')],
        ['JWK JSON', JSON.stringify(serverKey)],
        ['JWKS JSON', JSON.stringify(jwks)],
        ['SPKI PEM', publicKey.export({ type: 'spki', format: 'pem' }) as string],
        ['SPKI DER', publicKey.export({ type: 'spki', format: 'der' })],
      ]
      for (const [what, secret] of secrets) {
        for (const header of [
          { alg: 'HS256', typ: 'JWT', kid: serverKey.kid },
          { alg: 'HS256', typ: 'JWT' },
        ]) {
          const token = forge(header, validClaims(), hs256(secret))
          await assertRefused(await me(token), `HS256 keyed with ${what}${'kid' in header ? ' + kid' : ''}`)
        }
      }
    })

    it("refuses a genuine token whose payload was changed (another user's sub, a later exp)", async () => {
      const [header, , signature] = ann.token.split('.') as [string, string, string]
      const tampered: [string, Claims][] = [
        ['sub of another user', { ...annClaims, sub: bob.user.id }],
        ['sub and email of another user', { ...annClaims, sub: bob.user.id, email: bob.user.email }],
        ['exp one day later', { ...annClaims, exp: (annClaims.exp as number) + 86_400 }],
      ]
      for (const [what, payload] of tampered) {
        const res = await me(`${header}.${b64url(JSON.stringify(payload))}.${signature}`)
        await assertRefused(res, what)
      }
      // The untouched token still works: the refusals are the tampering's doing.
      assert.equal(await meId(await me(ann.token)), ann.user.id)
    })

    it('refuses tokens signed by another Ed25519 key, with the same kid, another kid, none, or an embedded jwk', async () => {
      const attacker = generateKeyPairSync('ed25519')
      const attackerJwk = await exportJWK(attacker.publicKey)
      const headers: [string, Claims][] = [
        ['same kid as the server key', { alg: 'EdDSA', typ: 'JWT', kid: serverKey.kid }],
        ['unknown kid', { alg: 'EdDSA', typ: 'JWT', kid: randomUUID() }],
        ['no kid', { alg: 'EdDSA', typ: 'JWT' }],
        [
          'embedded jwk and jku',
          { alg: 'EdDSA', typ: 'JWT', kid: 'attacker', jwk: attackerJwk, jku: 'http://127.0.0.1:9/jwks' },
        ],
      ]
      for (const [what, header] of headers) {
        const token = forge(header, validClaims(), ed25519(attacker.privateKey))
        // Well-formed and correctly signed, only by the wrong key:
        await jwtVerify(token, attacker.publicKey, {
          algorithms: ['EdDSA'],
          issuer: t.config.publicUrl,
          audience: t.config.publicUrl,
        })
        await assertRefused(await me(token), what)
      }
    })

    it('refuses server-signed tokens with a wrong issuer or audience', async () => {
      const wrong: [string, Claims][] = [
        ['wrong iss', { iss: 'https://evil.example' }],
        ['wrong aud', { aud: 'https://evil.example' }],
        ['iss of another port', { iss: 'http://localhost:1', aud: 'http://localhost:1' }],
      ]
      for (const [what, claims] of wrong) {
        await assertRefused(await me(await serverSigned({ ...validClaims(), ...claims })), what)
      }
    })

    it('refuses an expired server-signed token', async () => {
      const iat = now() - 960
      const token = await serverSigned({
        sub: ann.user.id,
        sid: annClaims.sid,
        email: ann.user.email,
        iat,
        exp: iat + 900,
      })
      assert.ok((decodeJwt(token).exp as number) < now(), 'the token really is expired')
      await assertRefused(await me(token), 'expired')
    })

    it('refuses a token once its exp passes, though it was accepted before', async () => {
      const exp = now() + 2
      const token = await serverSigned({ ...validClaims(), iat: exp - 900, exp })
      assert.equal(await meId(await me(token)), ann.user.id)
      await sleep(exp * 1000 - Date.now() + 100)
      await assertRefused(await me(token), 'a token past its exp')
    })

    it('refuses server-signed tokens missing sid, sub or email, or with a non-string sid', async () => {
      for (const claim of ['sid', 'sub', 'email']) {
        const { iss: _iss, aud: _aud, exp: _exp, ...claims } = validClaims()
        delete claims[claim]
        const token = await serverSigned(claims)
        assert.equal(decodeJwt(token)[claim], undefined)
        await assertRefused(await me(token), `missing ${claim}`)
      }
      await assertRefused(await me(await serverSigned({ ...validClaims(), sid: 42 })), 'numeric sid')
    })

    it('refuses a token issued by an instance with another PUBLIC_URL, though it shares the signing key', async () => {
      const other = await startTestApp(driver, { PUBLIC_URL: 'http://taskwell-b.example' })
      try {
        const carol = await other.signup()
        assert.equal(decodeJwt(carol.token).iss, 'http://taskwell-b.example')
        assert.ok(
          jwks.keys.some((k) => k.kid === decodeProtectedHeader(carol.token).kid),
          'same database, same key: only iss/aud tell the tokens apart',
        )
        assert.equal(await meId(await other.get('/api/me', carol.token)), carol.user.id)
        await assertRefused(await me(carol.token), 'token of another PUBLIC_URL')
        // Its session (shared database) is still a valid credential here: only the token is misaddressed.
        assert.equal(await meId(await me(carol.session_token)), carol.user.id)
      } finally {
        await other.close()
      }
    })

    it('refuses malformed Authorization headers', async () => {
      const basic = `Basic ${Buffer.from(`${ann.user.email}:${STRONG_PASSWORD}`).toString('base64')}`
      const cases: [string, HeadersInit][] = [
        ['Bearer without a token', { authorization: 'Bearer' }],
        ['Bearer and spaces', { authorization: 'Bearer    ' }],
        ['Basic with real credentials', { authorization: basic }],
        ['another scheme with a valid JWT', { authorization: `Token ${ann.token}` }],
        ['a valid JWT without a scheme', { authorization: ann.token }],
        ['two tokens', { authorization: `Bearer ${ann.token} ${bob.token}` }],
        ['two Bearer credentials', { authorization: `Bearer ${ann.token}, Bearer ${bob.token}` }],
        ['two tokens, comma-separated', { authorization: `Bearer ${ann.token},${bob.token}` }],
        [
          'two Authorization headers',
          [
            ['authorization', `Bearer ${ann.token}`],
            ['authorization', `Bearer ${bob.token}`],
          ],
        ],
      ]
      for (const [what, headers] of cases) {
        await assertRefused(await t.fetch('/api/me', { headers }), what)
      }
    })

    it('accepts the session token and the session cookie, and renews an access token only from a session', async () => {
      assert.equal(await meId(await me(ann.session_token)), ann.user.id)
      assert.ok(ann.cookie, 'sign-up set a session cookie')
      assert.equal(await meId(await t.get('/api/me', undefined, { cookie: ann.cookie })), ann.user.id)

      const sessions: Record<string, string>[] = [
        { authorization: `Bearer ${ann.session_token}` },
        { cookie: ann.cookie },
      ]
      for (const headers of sessions) {
        const res = await t.fetch('/api/auth/token', { headers })
        assert.equal(res.status, 200)
        const { token } = (await res.json()) as { token: string }
        assert.equal(decodeJwt(token).sid, annClaims.sid, 'the renewed token names the same session')
        assert.equal(await meId(await me(token)), ann.user.id)
      }
      await assertRefused(await t.get('/api/auth/token', ann.token), 'an access token renewing itself')
    })

    it('verifies a JWT without a database query (and the counter does see session look-ups)', async () => {
      const { callers, database } = t.services
      // Tokens never seen before (distinct jti), so no verification can be a cache hit.
      const tokens: string[] = []
      for (let i = 0; i < 10; i++) tokens.push(await serverSigned({ ...validClaims(), jti: randomUUID() }))
      assert.equal(new Set(tokens).size, tokens.length)
      const resolved: Awaited<ReturnType<typeof callers.resolve>>[] = []
      const jwtQueries = await countQueries(database, async () => {
        for (const token of tokens)
          resolved.push(await callers.resolve(new Headers({ authorization: `Bearer ${token}` })))
      })
      const expected = { userId: ann.user.id, email: ann.user.email, sessionId: annClaims.sid, via: 'jwt' }
      for (const caller of resolved) assert.deepEqual(caller, expected)
      assert.equal(jwtQueries, 0, 'JWT verification touched the database')
      let caller = null as Awaited<ReturnType<typeof callers.resolve>>

      const viaSession = new Headers({ authorization: `Bearer ${ann.session_token}` })
      const sessionQueries = await countQueries(database, async () => {
        caller = await callers.resolve(viaSession)
      })
      assert.equal(caller?.via, 'session')
      assert.ok(sessionQueries > 0, 'the query counter works: a session look-up is seen')
    })
  })
}

/**
 * Two instances starting together on a fresh database may each create a signing key; the
 * newest key then signs every token, though one instance loaded its key set before that key
 * existed. Its tokens must still be accepted everywhere at once, not after a 30 s refresh gate.
 */
describe('signing keys created by another instance (PostgreSQL, fresh database)', {
  skip: process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL: set TEST_DATABASE_URL',
}, () => {
  const adminUrl = process.env.TEST_DATABASE_URL as string
  const name = `taskwell_keys_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  const opened: Database[] = []
  const started: Services[] = []
  let created = false
  let cannotCreate: string | undefined
  let a: Services
  let b: Services

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
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    try {
      await admin.query(`create database ${name}`)
      created = true
    } catch (err) {
      cannotCreate = `cannot create a fresh database: ${(err as Error).message}`
      return
    } finally {
      await admin.end()
    }
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    const migrator = await openDb({ url: url.toString() })
    opened.push(migrator)
    await migrate(migrator)
    a = await instance(url.toString()) // creates the first key and loads it
    b = await instance(url.toString()) // loads that same single key
  })

  after(async () => {
    for (const services of started) await services.close()
    for (const database of opened) await database.close()
    if (created) {
      const admin = new pg.Client({ connectionString: adminUrl })
      await admin.connect()
      await admin.query(`drop database if exists ${name} with (force)`).finally(() => admin.end())
    }
  })

  it('accepts at once a token signed with a key another instance created after this one loaded its keys', async (ctx) => {
    if (cannotCreate) return ctx.skip(cannotCreate)
    const [first] = (await a.auth.api.getJwks()).keys
    // A third instance, racing at start-up, creates a second, newer key:
    const newer = await createJwk({ context: await b.auth.$context } as never, {
      jwks: { keyPairConfig: { alg: 'EdDSA', crv: 'Ed25519' } },
    })
    assert.notEqual(newer.id, first?.kid)

    const subject = { userId: 'user-1', email: 'user-1@example.com', sessionId: 'session-1' }
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

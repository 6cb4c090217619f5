/**
 * API.md "Passkeys": POST /api/me/passkeys/options `{ password }` and POST /api/me/passkeys
 * `{ credential, name? }`. Options as the contract lists them; a good answer is a 201 passkey
 * with its Location, recorded as `passkey_added`, mailed about, and signs no one out.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { isoBase64URL } from '@simplewebauthn/server/helpers'
import { assertProblem } from '../../testkit/problem.js'
import { describeWithMailApp, RFC3339_UTC, WRONG_PASSWORD } from '../support/account.js'
import { call } from '../support/clients.js'
import { assertSession } from '../support/expectations.js'
import {
  accountWithPasskey,
  addPasskey,
  askRegistrationOptions,
  bearer,
  eventActions,
  listPasskeys,
  newAccount,
  newAuthenticator,
  PASSKEY_KEYS,
  type PasskeyJson,
  register,
  registrationOptions,
} from './support.js'

describeWithMailApp('adding a passkey', {}, (t, catcher) => {
  it('options: rp, a random 32-byte user handle, the offered algorithms, resident key and UV required, attestation none, no-store', async () => {
    const account = await newAccount(t)
    const res = await askRegistrationOptions(t, account)
    assert.equal(res.status, 200, await res.clone().text())
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const body = (await res.json()) as { options: Record<string, unknown>; expires_at: string }
    assert.deepEqual(Object.keys(body).sort(), ['expires_at', 'options'])
    assert.match(body.expires_at, RFC3339_UTC)
    const ttl = Date.parse(body.expires_at) - Date.now()
    assert.ok(ttl > 290_000 && ttl <= 300_000, `expires in AUTH_CHALLENGE_TTL_SECONDS (${ttl} ms)`)
    const options = body.options as {
      rp: unknown
      user: { id: string; name: string; displayName: string }
      challenge: string
      pubKeyCredParams: { alg: number; type: string }[]
      timeout: number
      attestation: string
      authenticatorSelection: unknown
      excludeCredentials: unknown[]
    }
    assert.deepEqual(options.rp, { id: 'localhost', name: 'Taskwell' })
    assert.equal(options.user.name, account.s.user.email)
    assert.equal(options.user.displayName, account.s.user.name)
    const handle = isoBase64URL.toBuffer(options.user.id)
    assert.equal(handle.byteLength, 32, 'the user handle is 32 bytes')
    assert.ok(!new TextDecoder().decode(handle).includes(account.s.user.id), 'never the user id')
    assert.ok(isoBase64URL.toBuffer(options.challenge).byteLength >= 32, 'a challenge of at least 32 bytes')
    assert.deepEqual(
      options.pubKeyCredParams.map((p) => [p.alg, p.type]),
      [
        [-7, 'public-key'],
        [-8, 'public-key'],
        [-257, 'public-key'],
      ],
    )
    assert.equal(options.timeout, 300_000)
    assert.equal(options.attestation, 'none')
    assert.deepEqual(options.authenticatorSelection, {
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: 'required',
    })
    assert.deepEqual(options.excludeCredentials, [])
  })

  it('the user handle stays the same across options; each challenge is new', async () => {
    const account = await newAccount(t)
    const first = await registrationOptions(t, account)
    const second = await registrationOptions(t, account)
    assert.equal(first.user.id, second.user.id)
    assert.notEqual(first.challenge, second.challenge)
  })

  it('a wrong password is 422 on password, and no options', async () => {
    const account = await newAccount(t)
    await assertProblem(await askRegistrationOptions(t, account, WRONG_PASSWORD), 422, { fields: ['password'] })
  })

  it('a good answer: 201 with the passkey and its Location, listed, default name "Passkey"', async () => {
    const account = await newAccount(t)
    const options = await registrationOptions(t, account)
    const res = await addPasskey(t, account, { credential: newAuthenticator(t).register(options) })
    assert.equal(res.status, 201, await res.clone().text())
    const created = (await res.json()) as PasskeyJson
    assert.deepEqual(Object.keys(created).sort(), PASSKEY_KEYS)
    assert.equal(res.headers.get('location'), `/api/me/passkeys/${created.id}`)
    assert.equal(created.name, 'Passkey')
    assert.equal(created.last_used_at, null)
    assert.equal(created.backup_eligible, false)
    assert.equal(created.backed_up, false)
    assert.match(created.created_at, RFC3339_UTC)
    assert.deepEqual(await listPasskeys(t, account), [created])
  })

  it('a synced passkey (BE and BS set) is stored as backup eligible and backed up', async () => {
    const { passkey } = await accountWithPasskey(t, { origin: '', backupEligible: true })
    assert.equal(passkey.backup_eligible, true)
    assert.equal(passkey.backed_up, true)
  })

  it('an EdDSA (Ed25519) key registers too', async () => {
    const { passkey } = await accountWithPasskey(t, { origin: '', algorithm: 'EdDSA' })
    assert.equal(passkey.name, 'Passkey')
  })

  it('the name is trimmed; a blank, multi-line or 65-character name is 422 on name', async () => {
    const account = await newAccount(t)
    const named = await register(t, account, newAuthenticator(t), '  Work laptop  ')
    assert.equal(named.name, 'Work laptop')
    for (const name of ['   ', 'two\nlines', 'x'.repeat(65)]) {
      const options = await registrationOptions(t, account)
      const res = await addPasskey(t, account, { credential: newAuthenticator(t).register(options), name })
      await assertProblem(res, 422, { fields: ['name'], what: JSON.stringify(name) })
    }
    assert.equal((await listPasskeys(t, account)).length, 1)
  })

  it('the options exclude the passkeys the user has already', async () => {
    const account = await newAccount(t)
    const authenticator = newAuthenticator(t)
    await register(t, account, authenticator)
    const options = (await registrationOptions(t, account)) as unknown as { excludeCredentials: unknown[] }
    assert.deepEqual(options.excludeCredentials, [
      { id: authenticator.id, type: 'public-key', transports: ['internal'] },
    ])
  })

  it('records passkey_added and mails a notice to the owner', async () => {
    const account = await newAccount(t)
    await register(t, account, newAuthenticator(t))
    assert.equal((await eventActions(t, account))[0], 'passkey_added')
    // The sign-up's verification mail comes first.
    let mail = await catcher.nextMessageTo(account.s.user.email)
    while (/verify/i.test(mail.subject)) mail = await catcher.nextMessageTo(account.s.user.email)
    assert.match(mail.subject, /passkey was added/i)
    assert.match(mail.text, /\/account\b/, 'points at the account page')
  })

  it('revokes nothing: the session that added it, and every other, still works', async () => {
    const account = await newAccount(t)
    const other = await call(t, 'POST', '/api/auth/signin', {
      body: { email: account.s.user.email, password: account.s.password },
    })
    assert.equal(other.status, 200)
    await register(t, account, newAuthenticator(t))
    await assertSession(t, account.s, true, 'the session that added it')
    const otherToken = ((await other.json()) as { token: string }).token
    const res = await call(t, 'GET', '/api/me', { credential: { bearer: otherToken } })
    assert.equal(res.status, 200, 'another session')
  })

  it('GET /api/me/2fa counts the passkeys', async () => {
    const account = await newAccount(t)
    await register(t, account, newAuthenticator(t))
    await register(t, account, newAuthenticator(t))
    const res = await call(t, 'GET', '/api/me/2fa', { credential: bearer(account.s) })
    assert.equal(((await res.json()) as { passkey_count: number }).passkey_count, 2)
  })
})

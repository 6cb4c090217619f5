/**
 * Every door into an account applies the same input rules and gives the same answer to the
 * same situation: our sign-up and Better Auth's own `sign-up/email` (and the sign-ins) run
 * one policy pipeline attached to Better Auth, so a body the seed route refuses is refused,
 * and nothing stored, at Better Auth's route too.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { user } from '../../src/db/schema.js'
import { expectInvalid, expectProblem } from '../support/account.js'
import { describeWithApp, STRONG_PASSWORD, uniqueEmail } from '../support/harness.js'

const DOORS = [
  { name: 'POST /api/auth/signup', path: '/api/auth/signup', created: 201 },
  { name: "Better Auth's POST /api/auth/sign-up/email", path: '/api/auth/sign-up/email', created: 200 },
] as const

/** Bodies both doors must refuse with 422 on `field`, whatever else they hold. */
const REFUSED: [what: string, field: string, body: (email: string) => Record<string, unknown>][] = [
  ['a 60,000-character name', 'name', (email) => ({ email, password: STRONG_PASSWORD, name: 'n'.repeat(60_000) })],
  ['an empty name', 'name', (email) => ({ email, password: STRONG_PASSWORD, name: '' })],
  ['a name of spaces', 'name', (email) => ({ email, password: STRONG_PASSWORD, name: '   ' })],
  ['a control character in the name', 'name', (email) => ({ email, password: STRONG_PASSWORD, name: 'Ann\u0007' })],
  ['CRLF in the name', 'name', (email) => ({ email, password: STRONG_PASSWORD, name: 'Ann\r\nBcc: x@example.com' })],
  [
    'a 260-character email',
    'email',
    (email) => ({ email: `${'a'.repeat(260 - email.length)}${email}`, password: STRONG_PASSWORD, name: 'Ann' }),
  ],
  [
    'a javascript: image URL',
    'image',
    (email) => ({ email, password: STRONG_PASSWORD, name: 'Ann', image: 'javascript:alert(1)' }),
  ],
  ['an empty password', 'password', (email) => ({ email, password: '', name: 'Ann' })],
]

/** Among the most common passwords of leaked-password rankings: names, digit runs, walks. */
const COMMON = ['michelle', 'jennifer', '00000000', 'qwertyuiop', '1q2w3e4r5t', 'iloveyou']

describeWithApp('one set of sign-up rules at every door', {}, (t) => {
  const stored = (email: string) => t.services.database.db.select().from(user).where(eq(user.email, email))
  const send = (path: string, body: unknown) => t.post(path, body, { headers: { origin: t.config.publicUrl } })

  for (const door of DOORS) {
    for (const [what, field, body] of REFUSED) {
      it(`${door.name} refuses ${what} with 422 on ${field} and stores nothing`, async () => {
        const email = uniqueEmail('rules')
        const sent = body(email)
        await expectInvalid(await send(door.path, sent), [field], `${door.name}: ${what}`)
        assert.deepEqual(await stored(String(sent.email).toLowerCase()), [])
      })
    }

    for (const password of COMMON) {
      it(`${door.name} refuses the common password ${JSON.stringify(password)}`, async () => {
        const email = uniqueEmail('common')
        await expectInvalid(await send(door.path, { email, password, name: 'Ann' }), ['password'])
        assert.deepEqual(await stored(email), [])
      })
    }

    it(`${door.name} answers a duplicate email with 409, whichever door made the account`, async () => {
      for (const first of DOORS) {
        const email = uniqueEmail('dup')
        const made = await send(first.path, { email, password: STRONG_PASSWORD, name: 'First' })
        assert.equal(made.status, first.created, await made.text())
        const again = await send(door.path, { email: email.toUpperCase(), password: STRONG_PASSWORD, name: 'Again' })
        const problem = await expectProblem(again, 409, `${first.name} then ${door.name}`)
        assert.match(String(problem.detail), /already exists/)
        assert.equal((await stored(email)).length, 1)
      }
    })

    it(`${door.name} stores the email trimmed and lower-case, the name trimmed`, async () => {
      const email = uniqueEmail('norm')
      const res = await send(door.path, {
        email: `  ${email.toUpperCase()} `,
        password: STRONG_PASSWORD,
        name: ' Ann ',
      })
      assert.equal(res.status, door.created, await res.text())
      const [row] = await stored(email)
      assert.equal(row?.email, email)
      assert.equal(row?.name, 'Ann')
    })

    it(`${door.name} defaults the name to the part of the email before @`, async () => {
      const email = uniqueEmail('noname')
      const res = await send(door.path, { email, password: STRONG_PASSWORD })
      assert.equal(res.status, door.created, await res.text())
      const [row] = await stored(email)
      assert.equal(row?.name, email.slice(0, email.indexOf('@')))
    })
  }
})

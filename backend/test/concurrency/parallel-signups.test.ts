/**
 * Parallel sign-ups with one email, through either route or both: one account, no 5xx.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { it } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import { account as accountTable, user as userTable } from '../../src/db/schema.js'
import { describeWithApp, STRONG_PASSWORD } from '../support/harness.js'
import { answer, assertNo5xx, count, describeAnswers, SIGNUP_RACERS } from './support.js'

describeWithApp('concurrency', {}, (t) => {
  const db = () => t.services.database.db

  async function usersWithEmail(email: string) {
    return db()
      .select({ id: userTable.id, email: userTable.email })
      .from(userTable)
      .where(eq(sql`lower(${userTable.email})`, email.toLowerCase()))
  }

  async function accountsOf(userId: string) {
    return db().select({ id: accountTable.id }).from(accountTable).where(eq(accountTable.userId, userId))
  }

  async function signin(email: string, password: string) {
    return t.post('/api/auth/signin', { email, password })
  }

  it(`${SIGNUP_RACERS} parallel sign-ups with one email: one 201, the rest 409, one account`, async () => {
    const email = `race-${randomUUID().slice(0, 8)}@example.com`
    // Different capitalisations are the same address (API.md: compared case-insensitively),
    // and a different password each, so we can tell whose account was kept.
    const attempts = Array.from({ length: SIGNUP_RACERS }, (_, i) => ({
      email: i % 2 === 0 ? email : email.toUpperCase(),
      password: `${STRONG_PASSWORD} ${i}`,
    }))
    const answers = await Promise.all(attempts.map(async (body) => answer(await t.post('/api/auth/signup', body))))
    assertNo5xx(answers, 'parallel sign-ups')
    assert.equal(count(answers, 201), 1, `exactly one sign-up wins:\n${describeAnswers(answers)}`)
    assert.equal(count(answers, 409), SIGNUP_RACERS - 1, `the others conflict:\n${describeAnswers(answers)}`)
    for (const a of answers.filter((x) => x.status === 409)) {
      assert.doesNotMatch(a.text, /duplicate|constraint|violates|unique/i, 'no database text in a 409')
    }

    const winner = answers.findIndex((a) => a.status === 201)
    const created = JSON.parse(answers[winner]?.text ?? '{}') as { user: { id: string; email: string } }
    assert.equal(created.user.email, email)
    const users = await usersWithEmail(email)
    assert.deepEqual(users, [{ id: created.user.id, email }], 'exactly one user row')
    assert.equal((await accountsOf(created.user.id)).length, 1, 'exactly one credential')

    // The stored password is the winner's, and only the winner's.
    const ok = await signin(email, attempts[winner]?.password ?? '')
    assert.equal(ok.status, 200, await ok.text())
    const loser = attempts.find((_, i) => i !== winner)
    assert.equal((await signin(email, loser?.password ?? '')).status, 401)
  })

  it("parallel sign-ups through Better Auth's sign-up/email make one account and no 5xx", async () => {
    const email = `ba-race-${randomUUID().slice(0, 8)}@example.com`
    const headers = { origin: t.config.publicUrl }
    const passwords = Array.from({ length: SIGNUP_RACERS }, (_, i) => `${STRONG_PASSWORD} ${i}`)
    const answers = await Promise.all(
      passwords.map(async (password) =>
        answer(await t.post('/api/auth/sign-up/email', { email, password, name: 'Racer' }, { headers })),
      ),
    )
    assertNo5xx(answers, 'parallel sign-up/email')
    assert.equal(count(answers, 200), 1, `exactly one sign-up wins:\n${describeAnswers(answers)}`)
    // The losers get the answer a late duplicate gets, whether they lost the race early
    // (the address was already taken) or at the insert (the unique constraint).
    const late = await answer(
      await t.post('/api/auth/sign-up/email', { email, password: STRONG_PASSWORD, name: 'Late' }, { headers }),
    )
    assert.ok(late.status >= 400 && late.status < 500, `a late duplicate is refused: ${late.status} ${late.text}`)
    const lateBody = JSON.parse(late.text) as { status: number; code?: string }
    for (const a of answers.filter((x) => x.status !== 200)) {
      assert.equal(a.status, late.status, `a racing duplicate is answered like a late one: ${a.text}`)
      assert.equal((JSON.parse(a.text) as { code?: string }).code, lateBody.code, a.text)
      assert.doesNotMatch(a.text, /duplicate|constraint|violates|unique/i, 'no database text')
    }

    const winner = answers.findIndex((a) => a.status === 200)
    const created = JSON.parse(answers[winner]?.text ?? '{}') as { user: { id: string } }
    const users = await usersWithEmail(email)
    assert.deepEqual(
      users.map((u) => u.id),
      [created.user.id],
      'exactly one user row',
    )
    assert.equal((await accountsOf(created.user.id)).length, 1, 'exactly one credential')
    assert.equal((await signin(email, passwords[winner] ?? '')).status, 200)
  })

  it('parallel sign-ups through both routes with one email make one account', async () => {
    const email = `mixed-race-${randomUUID().slice(0, 8)}@example.com`
    const answers = await Promise.all(
      Array.from({ length: SIGNUP_RACERS }, async (_, i) => {
        const password = `${STRONG_PASSWORD} ${i}`
        const res =
          i % 2 === 0
            ? await t.post('/api/auth/signup', { email, password })
            : await t.post(
                '/api/auth/sign-up/email',
                { email, password, name: 'Racer' },
                { headers: { origin: t.config.publicUrl } },
              )
        return { seed: i % 2 === 0, ...(await answer(res)) }
      }),
    )
    assertNo5xx(answers, 'mixed sign-ups')
    const wins = answers.filter((a) => a.status === 200 || a.status === 201)
    assert.equal(wins.length, 1, `exactly one sign-up wins:\n${describeAnswers(answers)}`)
    // Every refusal on the seed route is API.md's 409, whichever route won.
    for (const a of answers.filter((x) => x.seed && x.status !== 201)) {
      assert.equal(a.status, 409, `a seed sign-up that lost is a 409: ${a.text}`)
    }
    assert.equal((await usersWithEmail(email)).length, 1, 'exactly one user row')
  })
})

/**
 * Decision 019: GET /api/me/sessions answered every session in one body (a 467 KB list for an
 * account with 2,074). It is paged as the task list is: `limit` (1–100, default 50), `cursor`,
 * `next_cursor`.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { BEHIND_PROXY } from '../support/account.js'
import { call, freshClient, signInAs, signUpAs } from '../support/clients.js'
import { sessionIdOf } from '../support/expectations.js'
import { describeWithApp, type SignedIn, type TestApp } from '../support/harness.js'

type Page = { items: { id: string; current: boolean }[]; next_cursor: string | null }

const list = (t: TestApp, s: SignedIn, query = '') =>
  call(t, 'GET', `/api/me/sessions${query}`, { credential: { bearer: s.token } })

async function page(t: TestApp, s: SignedIn, query: string): Promise<Page> {
  const res = await list(t, s, query)
  assert.equal(res.status, 200, await res.clone().text())
  return (await res.json()) as Page
}

describeWithApp('the session list, a page at a time', BEHIND_PROXY, (t) => {
  it('pages through every session once, most recently used first, and ends with next_cursor null', async () => {
    const first = await signUpAs(t, freshClient())
    const sessions = [first]
    for (let i = 0; i < 4; i++) sessions.push(await signInAs(t, freshClient(), first.user.email, first.password))
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
      const body: Page = await page(t, first, query)
      assert.ok(body.items.length <= 2)
      seen.push(...body.items.map((x) => x.id))
      cursor = body.next_cursor
      pages++
    } while (cursor && pages < 10)
    assert.equal(pages, 3)
    assert.deepEqual(seen, [...sessions].reverse().map(sessionIdOf), 'newest sign-in first, none twice')
  })

  it('gives 50 by default and at most 100', async () => {
    const s = await signUpAs(t, freshClient())
    assert.equal((await page(t, s, '')).next_cursor, null)
    assert.equal((await page(t, s, '?limit=100')).items.length, 1)
  })

  it('refuses a bad limit or cursor with 422 on that field', async () => {
    const s = await signUpAs(t, freshClient())
    for (const limit of ['0', '101', 'ten']) {
      await assertProblem(await list(t, s, `?limit=${limit}`), 422, { fields: ['limit'], what: `limit=${limit}` })
    }
    const forge = (position: unknown[]) => Buffer.from(JSON.stringify(position)).toString('base64url')
    // Instants JavaScript writes but PostgreSQL has no timestamp for (years before 4713 BC, after 294276).
    const outOfRange = ['-004714-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z'].map((time) => forge([time, 'x']))
    for (const cursor of ['nonsense', forge(['not a time', 'x']), ...outOfRange]) {
      await assertProblem(await list(t, s, `?cursor=${cursor}`), 422, { fields: ['cursor'], what: cursor })
    }
    await assertProblem(await list(t, s, '?page=2'), 422, { what: 'an unknown parameter' })
  })
})

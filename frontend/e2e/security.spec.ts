/** What the browser gets: a strict CSP, no secrets in scripts, no tokens in storage. */
import { expect, test } from '@playwright/test'
import { E2E_SECRET } from './ports'
import { signIn, signUp, uniqueEmail } from './support'

test('pages carry a Content-Security-Policy without unsafe-eval', async ({ request }) => {
  for (const path of [
    '/signin',
    '/signup',
    '/tasks',
    '/account',
    '/forgot-password',
    '/reset-password',
    '/verify-email',
  ]) {
    const res = await request.get(path)
    const csp = res.headers()['content-security-policy'] ?? ''
    expect(csp, path).toContain("default-src 'self'")
    expect(csp, path).toContain("frame-ancestors 'none'")
    expect(csp, path).not.toContain('unsafe-eval')
  }
})

test('no secret or server setting reaches the client bundles', async ({ page, request }) => {
  await page.goto('/signup')
  const scripts = await page.$$eval('script[src]', (tags) => tags.map((t) => (t as HTMLScriptElement).src))
  expect(scripts.length).toBeGreaterThan(0)
  for (const src of scripts) {
    const body = await (await request.get(src)).text()
    expect(body, src).not.toContain(E2E_SECRET)
    expect(body, src).not.toContain('BETTER_AUTH_SECRET')
    expect(body, src).not.toContain('DATABASE_URL')
  }
})

test('signing in stores no token where page scripts can read it', async ({ page, context }) => {
  await signUp(page, uniqueEmail('gil'))
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie)
  expect(storage).not.toMatch(/eyJ/) // no JWT
  const cookies = await context.cookies()
  const session = cookies.find((c) => c.name.endsWith('session_token'))
  expect(session?.httpOnly).toBe(true)
  expect(session?.sameSite).toBe('Lax')
  expect(storage).not.toContain(session?.value ?? 'no-session-cookie')
})

test('no answer the page receives carries the session token, and get-session is not there', async ({
  page,
  context,
}) => {
  const answers: string[] = []
  page.on('response', async (res) => {
    if (res.url().includes('/api/auth/')) answers.push(await res.text().catch(() => ''))
  })
  const email = uniqueEmail('hal')
  await signUp(page, email)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/signin/)
  await signIn(page, email)
  await expect(page).toHaveURL(/\/tasks/)
  const session = (await context.cookies()).find((c) => c.name.endsWith('session_token'))
  const token = decodeURIComponent(session?.value ?? '').split('.')[0] ?? ''
  expect(token.length).toBeGreaterThan(10)
  expect(answers.length).toBeGreaterThan(1)
  for (const body of answers) {
    expect(body).not.toContain(token)
    expect(body).not.toContain('session_token')
  }
  const probe = await page.evaluate(async () => (await fetch('/api/auth/get-session')).status)
  expect(probe).toBe(404)
})

test('a client cannot choose the address its rate limits are counted under', async ({ request }) => {
  const spoofed = '203.0.113.77'
  const signup = await request.post('/api/auth/signup', {
    data: { email: uniqueEmail('spoof'), password: 'a sturdy passphrase 42' },
    headers: { 'x-forwarded-for': spoofed },
  })
  expect(signup.status()).toBe(201)
  // The session records the address the API resolved for this client: the real peer.
  const { items } = (await (await request.get('/api/me/sessions')).json()) as { items: { ip_address: string | null }[] }
  expect(items.length).toBeGreaterThan(0)
  for (const s of items) {
    expect(s.ip_address).not.toBe(spoofed)
    expect(s.ip_address ?? '').toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/)
  }
})

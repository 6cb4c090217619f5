/**
 * Issue 3's "done when": a newcomer reads /api/docs, signs up there and manages tasks, on a
 * phone-sized screen, with every file of the page served by Taskwell itself (no CDN).
 */
import { expect, type Locator, type Page, test } from '@playwright/test'
import { PASSWORD, uniqueEmail } from './support'

test.use({ viewport: { width: 390, height: 844 } })

/** One operation of the reference, opened; Try it out is on from the start. */
async function openOperation(page: Page, method: 'get' | 'post', path: string): Promise<Locator> {
  const operation = page.locator(`.opblock-${method}`).filter({ has: page.locator(`[data-path="${path}"]`) })
  await operation.locator('.opblock-summary').click()
  return operation
}

async function execute(operation: Locator): Promise<{ status: string; body: string }> {
  await operation.locator('.execute').click()
  const response = operation.locator('.live-responses-table tbody .response').first()
  await expect(response).toBeVisible()
  return {
    status: ((await response.locator('.response-col_status').textContent()) ?? '').trim(),
    body: (await response.locator('.response-col_description .microlight').first().textContent()) ?? '',
  }
}

test('a newcomer reads /api/docs, signs up there, authorizes and manages tasks', async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? '').origin
  const elsewhere: string[] = []
  page.on('request', (request) => {
    if (new URL(request.url()).origin !== origin) elsewhere.push(request.url())
  })

  await page.goto('/api/docs')
  await expect(page.getByRole('heading', { name: /Taskwell API/ })).toBeVisible()
  await expect(page.locator('[data-path="/api/{user_id}/tasks/{id}/complete"]')).toBeVisible()

  const signup = await openOperation(page, 'post', '/api/auth/signup')
  await signup
    .locator('textarea.body-param__text')
    .fill(JSON.stringify({ email: uniqueEmail('docs'), password: PASSWORD, name: 'Reader' }))
  const signedUp = await execute(signup)
  expect(signedUp.status).toBe('201')
  const { user, token } = JSON.parse(signedUp.body) as { user: { id: string }; token: string }

  await page.locator('.auth-wrapper .authorize').click()
  await page.locator('#auth-bearer-value').fill(token)
  await page.getByRole('button', { name: 'Apply credentials' }).first().click()
  await page.locator('.modal-ux .close-modal').click()

  const create = await openOperation(page, 'post', '/api/{user_id}/tasks')
  await create.locator('input[placeholder="user_id"]').fill(user.id)
  await create.locator('textarea.body-param__text').fill(JSON.stringify({ title: 'Read the API reference' }))
  const created = await execute(create)
  expect(created.status).toBe('201')

  const list = await openOperation(page, 'get', '/api/{user_id}/tasks')
  await list.locator('input[placeholder="user_id"]').fill(user.id)
  const listed = await execute(list)
  expect(listed.status).toBe('200')
  const titles = (JSON.parse(listed.body) as { items: { title: string }[] }).items.map((t) => t.title)
  expect(titles).toEqual(['Read the API reference'])

  expect(elsewhere, 'requests to other origins').toEqual([])
})

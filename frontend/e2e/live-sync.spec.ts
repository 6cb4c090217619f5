/**
 * Issue 12, live sync: one user in two browsers (two contexts) through the web port, so the
 * stream also passes our /api proxy. What one does shows in the other within a second, and an
 * ended session sends the other to sign-in at once, saying why.
 */
import { type Browser, type BrowserContext, expect, type Frame, type Page, type Request, test } from '@playwright/test'
import { addTask, PASSWORD, signIn, signUp, taskCheckbox, uniqueEmail } from './support'

/** The promise: within 1 s of the write's answer. */
const LIVE = { timeout: 1_000 }

const isStream = (url: string) => /\/api\/[^/]+\/events\/stream(\?|$)/.test(url)

/**
 * A page loaded afresh on /tasks, with its own live stream open (the first tab of its browser). Only a
 * stream asked for by the new document counts: the page being left may still be opening its own,
 * and that answer can arrive while the new one loads.
 */
async function openTasks(page: Page) {
  let committed = false
  const askedByNewDocument = new Set<Request>()
  const onRequest = (request: Request) => {
    if (committed) askedByNewDocument.add(request)
  }
  const onNavigated = (frame: Frame) => {
    if (frame === page.mainFrame()) committed = true
  }
  page.on('framenavigated', onNavigated)
  page.on('request', onRequest)
  const stream = page
    .waitForResponse((res) => isStream(res.url()) && askedByNewDocument.has(res.request()), { timeout: 10_000 })
    .catch(() => null)
  try {
    await page.goto('/tasks')
    await expect(page.getByRole('heading', { name: 'Tasks', level: 1 })).toBeVisible()
    expect(await stream, 'the page opened its live stream').not.toBeNull()
  } finally {
    page.off('framenavigated', onNavigated)
    page.off('request', onRequest)
  }
}

/** The same user signed in, in a second browser with its own session. */
async function secondDevice(browser: Browser, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto('/signin')
  await signIn(page, email)
  await expect(page).toHaveURL(/\/tasks/)
  return { context, page }
}

/** A write in `page` whose answer is awaited: the 1 s starts then. */
async function answered(page: Page, method: string, path: RegExp, act: () => Promise<void>) {
  const response = page.waitForResponse(
    (res) => res.request().method() === method && path.test(new URL(res.url()).pathname),
  )
  await act()
  expect((await response).ok()).toBe(true)
}

const TASKS = /^\/api\/[^/]+\/tasks$/
const TASK = /^\/api\/[^/]+\/tasks\/[^/]+$/
const COMPLETE = /^\/api\/[^/]+\/tasks\/[^/]+\/complete$/

test('a task created, completed and deleted in one browser shows in the other within a second', async ({
  page,
  browser,
}) => {
  const email = uniqueEmail('lia')
  await signUp(page, email)
  const other = await secondDevice(browser, email)
  await Promise.all([openTasks(page), openTasks(other.page)])

  await answered(page, 'POST', TASKS, () => addTask(page, 'Water the plants'))
  await expect(taskCheckbox(other.page, 'Water the plants')).toBeVisible(LIVE)

  await answered(page, 'PATCH', COMPLETE, () => taskCheckbox(page, 'Water the plants').check())
  await expect(taskCheckbox(other.page, 'Water the plants')).toBeChecked(LIVE)

  await page.getByRole('button', { name: 'Delete Water the plants' }).click()
  // Escape closes the undo window: the deletion goes to the API now.
  await answered(page, 'DELETE', TASK, () => page.keyboard.press('Escape'))
  await expect(taskCheckbox(other.page, 'Water the plants')).toHaveCount(0, LIVE)
  await other.context.close()
})

test('the task page follows changes made elsewhere, and keeps unsaved input, saying it changed elsewhere', async ({
  page,
  browser,
}) => {
  const email = uniqueEmail('mo')
  await signUp(page, email)
  await addTask(page, 'Pay rent')
  const other = await secondDevice(browser, email)
  await other.page.setViewportSize({ width: 390, height: 844 })
  await other.page.getByRole('link', { name: 'Edit Pay rent' }).click()
  await expect(other.page.getByLabel('Title')).toHaveValue('Pay rent')

  // An untouched form shows the new version.
  const editForm = page.getByRole('form', { name: 'Edit task' })
  await page.getByRole('link', { name: 'Edit Pay rent' }).click()
  await editForm.getByLabel('Title').fill('Pay the rent')
  await answered(page, 'PUT', TASK, () => page.getByRole('button', { name: 'Save' }).click())
  await expect(other.page.getByLabel('Title')).toHaveValue('Pay the rent', LIVE)

  // A form with unsaved input keeps it and says so; the new version is one click away.
  await other.page.getByLabel('Description').fill('Before the 5th')
  await page.getByRole('link', { name: 'Edit Pay the rent' }).click()
  // The list has Priority fields too (add, filter): this one is the editor's, once it is open.
  await editForm.getByLabel('Priority').selectOption('high')
  await answered(page, 'PUT', TASK, () => page.getByRole('button', { name: 'Save' }).click())
  const notice = other.page.getByRole('form', { name: 'Edit task' }).getByRole('status')
  await expect(notice).toContainText('This task changed elsewhere', LIVE)
  await expect(other.page.getByLabel('Description')).toHaveValue('Before the 5th')
  await other.page.screenshot({ path: 'test-results/live-sync-changed-elsewhere-390.png', fullPage: true })
  await other.page.getByRole('button', { name: 'Load the new version' }).click()
  await expect(other.page.getByLabel('Priority')).toHaveValue('high')
  await expect(other.page.getByLabel('Description')).toHaveValue('')
  await expect(notice).toBeEmpty()

  // Deleted elsewhere while open: the page says so.
  await expect(page).toHaveURL(/\/tasks(\?|$)/)
  await page.getByRole('button', { name: 'Delete Pay the rent' }).click()
  await answered(page, 'DELETE', TASK, () => page.keyboard.press('Escape'))
  await expect(other.page.getByRole('main').getByRole('alert')).toHaveText(/This task was deleted elsewhere/, LIVE)
  await other.context.close()
})

test('signing out in one browser sends the other, on the same session, to sign-in with the reason', async ({
  page,
  browser,
}) => {
  const email = uniqueEmail('ned')
  await signUp(page, email)
  // The same session in a second browser (its cookie copied), as a restored profile would have it.
  const context = await browser.newContext({
    storageState: await page.context().storageState(),
    viewport: { width: 390, height: 844 },
  })
  const other = await context.newPage()
  await Promise.all([openTasks(page), openTasks(other)])

  await answered(page, 'POST', /^\/api\/auth\/signout$/, () => page.getByRole('button', { name: 'Sign out' }).click())
  await expect(other).toHaveURL(/\/signin\?ended=signed_out/, LIVE)
  const message = other.getByRole('main').getByRole('status')
  await expect(message).toHaveText('You were signed out on another device')
  await other.screenshot({ path: 'test-results/live-sync-signed-out-390.png', fullPage: true })
  // The tab that signed out says nothing of the kind.
  await expect(page).toHaveURL(/\/signin$/)
  await expect(page.getByRole('main').getByRole('status')).toBeEmpty()
  // The way back is sign-in, which returns to the tasks.
  await signIn(other, email)
  await expect(other).toHaveURL(/\/tasks/)
  await context.close()
})

test('changing the password in one browser sends the other to sign-in, saying so', async ({ page, browser }) => {
  const email = uniqueEmail('ola')
  await signUp(page, email)
  const other = await secondDevice(browser, email)
  await openTasks(other.page)

  await page.goto('/account')
  await page.getByLabel('Current password').fill(PASSWORD)
  await page.getByLabel('New password').fill('a fresher passphrase 43')
  await answered(page, 'PUT', /^\/api\/me\/password$/, () =>
    page.getByRole('button', { name: 'Change password' }).click(),
  )
  await expect(other.page).toHaveURL(/\/signin\?ended=password_changed/, LIVE)
  await expect(other.page.getByRole('main').getByRole('status')).toHaveText('Your password was changed; sign in again')
  // The browser that changed it stays signed in.
  await expect(page).toHaveURL(/\/account/)
  await other.context.close()
})

test('deleting the account in one browser sends the other to sign-in, saying so', async ({ page, browser }) => {
  const email = uniqueEmail('pia')
  await signUp(page, email)
  const other = await secondDevice(browser, email)
  await openTasks(other.page)

  await page.goto('/account')
  const danger = page.getByRole('region', { name: 'Delete account' })
  await danger.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await danger.getByRole('checkbox', { name: /deleted for good/ }).check()
  await answered(page, 'DELETE', /^\/api\/me$/, () => danger.getByRole('button', { name: 'Delete my account' }).click())
  await expect(other.page).toHaveURL(/\/signin\?ended=account_deleted$/, LIVE)
  await expect(other.page.getByRole('main').getByRole('status')).toHaveText('This account was deleted')
  await other.context.close()
})

test('two tabs of one browser share one stream, and the second takes over when the first closes', async ({
  page,
  context,
  browser,
}) => {
  const streams: string[] = []
  // EventSource requests only (a tab may also fetch the stream URL once to read a Retry-After).
  context.on('request', (request) => {
    if (isStream(request.url()) && request.resourceType() === 'eventsource') streams.push(request.url())
  })
  const email = uniqueEmail('quin')
  await signUp(page, email)
  await openTasks(page)
  // Counted from here: the first tab's stream is open (sign-up's landing page had one too, until
  // openTasks loaded the page again).
  streams.length = 0
  const second = await context.newPage()
  await second.goto('/tasks')
  await expect(second.getByRole('heading', { name: 'Tasks', level: 1 })).toBeVisible()
  const other = await secondDevice(browser, email)

  await answered(other.page, 'POST', TASKS, () => addTask(other.page, 'Shared stream'))
  await expect(taskCheckbox(second, 'Shared stream')).toBeVisible(LIVE)
  await expect(taskCheckbox(page, 'Shared stream')).toBeVisible(LIVE)
  // The second tab hears it through the first tab's stream: it opened none of its own.
  expect(streams).toHaveLength(0)

  // The leading tab goes: the other opens the stream, resuming where the browser was.
  await page.close()
  await expect.poll(() => streams.length).toBe(1)
  expect(streams[0]).toMatch(/\?last_event_id=/)
  await answered(other.page, 'POST', TASKS, () => addTask(other.page, 'After the handover'))
  await expect(taskCheckbox(second, 'After the handover')).toBeVisible(LIVE)
  await other.context.close()
})

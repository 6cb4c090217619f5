/** The user stories of the seed and issue 4, in a real browser against the real servers. */
import { expect, test } from '@playwright/test'
import { addTask, PASSWORD, showOnly, signIn, signUp, taskCheckbox, uniqueEmail } from './support'

test('a new user signs up, manages tasks, signs out, signs in again and finds them', async ({ page }) => {
  const email = uniqueEmail('ann')
  await signUp(page, email)

  await addTask(page, 'Buy milk')
  await addTask(page, 'Write report')
  await addTask(page, 'Call the bank')

  // Edit
  await page.getByRole('link', { name: 'Edit Write report' }).click()
  await expect(page).toHaveURL(/\/tasks\/[^/?]+/)
  await page.getByLabel('Title').fill('Write the quarterly report')
  await page.getByLabel('Priority').selectOption('high')
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page).toHaveURL(/\/tasks(\?|$)/)
  await expect(taskCheckbox(page, 'Write the quarterly report')).toBeVisible()

  // Complete
  await taskCheckbox(page, 'Buy milk').check()
  await expect(taskCheckbox(page, 'Buy milk')).toBeChecked()

  // Filter
  await showOnly(page, 'Done')
  await expect(taskCheckbox(page, 'Buy milk')).toBeVisible()
  await expect(taskCheckbox(page, 'Call the bank')).toHaveCount(0)
  await showOnly(page, 'To do')
  await expect(taskCheckbox(page, 'Buy milk')).toHaveCount(0)
  await expect(taskCheckbox(page, 'Call the bank')).toBeVisible()
  await showOnly(page, 'All')

  // Delete (the undo window passes, then it is gone for good)
  await page.getByRole('button', { name: 'Delete Call the bank' }).click()
  await expect(taskCheckbox(page, 'Call the bank')).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Undo' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(0, { timeout: 10_000 })

  // Sign out, sign in: everything is still there
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/signin$/)
  await signIn(page, email)
  await expect(page).toHaveURL(/\/tasks/)
  await expect(taskCheckbox(page, 'Buy milk')).toBeChecked()
  await expect(taskCheckbox(page, 'Write the quarterly report')).toBeVisible()
  await expect(taskCheckbox(page, 'Call the bank')).toHaveCount(0)
})

test('two users in two browsers never see each other’s tasks', async ({ browser }) => {
  const ann = await browser.newContext()
  const bob = await browser.newContext()
  const annPage = await ann.newPage()
  const bobPage = await bob.newPage()
  await signUp(annPage, uniqueEmail('ann'))
  await signUp(bobPage, uniqueEmail('bob'))
  await addTask(annPage, 'Ann’s secret plan')
  await addTask(bobPage, 'Bob’s shopping')

  await bobPage.reload()
  await expect(taskCheckbox(bobPage, 'Bob’s shopping')).toBeVisible()
  await expect(bobPage.getByText('Ann’s secret plan')).toHaveCount(0)
  await bobPage.getByPlaceholder('Search tasks').fill('secret')
  await expect(bobPage.getByText('Ann’s secret plan')).toHaveCount(0)

  await annPage.reload()
  await expect(annPage.getByText('Bob’s shopping')).toHaveCount(0)
  await ann.close()
  await bob.close()
})

test('the session survives a reload and a browser restart', async ({ browser }) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await signUp(page, uniqueEmail('cam'))
  await addTask(page, 'Still here after reload')
  await page.reload()
  await expect(taskCheckbox(page, 'Still here after reload')).toBeVisible()

  // A "restart": a new browser context with the same cookies (no in-memory token survives).
  const state = await context.storageState()
  await context.close()
  const restarted = await browser.newContext({ storageState: state })
  const again = await restarted.newPage()
  await again.goto('/tasks')
  await expect(taskCheckbox(again, 'Still here after reload')).toBeVisible()
  await restarted.close()
})

test('signing out in one tab sends the other tab to sign-in at once', async ({ browser }) => {
  const context = await browser.newContext()
  const first = await context.newPage()
  await signUp(first, uniqueEmail('dee'))
  await addTask(first, 'Shared between tabs')
  const second = await context.newPage()
  await second.goto('/tasks')
  await expect(taskCheckbox(second, 'Shared between tabs')).toBeVisible()

  await first.getByRole('button', { name: 'Sign out' }).click()
  await expect(first).toHaveURL(/\/signin$/)

  // Live sync tells every tab of the browser; no action of the second tab is needed.
  await expect(second).toHaveURL(/\/signin/)
  await context.close()
})

test('a protected page sends a visitor to sign in and back again', async ({ page, browser }) => {
  const email = uniqueEmail('eve')
  const setup = await browser.newPage()
  await signUp(setup, email)
  await setup.close()

  await page.goto('/account')
  await expect(page).toHaveURL(/\/signin\?next=%2Faccount/)
  await signIn(page, email)
  await expect(page).toHaveURL(/\/account$/)
  await expect(page.getByText(email)).toBeVisible()
})

test('a wrong password gets the generic error and no session', async ({ page, browser }) => {
  const email = uniqueEmail('fay')
  const setup = await browser.newPage()
  await signUp(setup, email)
  await setup.close()

  await page.goto('/signin')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(`${PASSWORD}!`)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Invalid email or password')
  await page.goto('/tasks')
  await expect(page).toHaveURL(/\/signin/)
})

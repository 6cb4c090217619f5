/** Issue 6, account lifecycle: the user stories around mail links and deleting an account, on a 360 px phone. */
import { expect, type Page, test } from '@playwright/test'
import { mailedLink } from './mail'
import { addTask, PASSWORD, signUp, uniqueEmail } from './support'

test.use({ viewport: { width: 360, height: 740 } })

const NEW_PASSWORD = 'a fresher passphrase 43'

async function signInWith(page: Page, email: string, password: string) {
  await page.goto('/signin')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(0)
}

test('a user who forgot their password sets a new one from the emailed link', async ({ page }) => {
  const email = uniqueEmail('hal')
  await signUp(page, email)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/signin$/)

  await page.getByRole('link', { name: 'Forgot password?' }).click()
  await expect(page).toHaveURL(/\/forgot-password$/)
  // The sign-in page has an Email field too: fill the new page's, not the one leaving.
  await expect(page.getByRole('heading', { name: 'Forgot your password?', level: 1 })).toBeVisible()
  await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Send reset link' }).click()
  await expect(page.getByRole('main').getByRole('status')).toContainText(
    'If an account exists for that address, we sent a link',
  )
  await expectNoSidewaysScroll(page)

  await page.goto(await mailedLink(email, 'reset-password'))
  await expect(page.getByLabel('New password')).toBeVisible()
  // The token is read from the fragment, then taken out of the address bar.
  expect(new URL(page.url()).hash).toBe('')
  await expectNoSidewaysScroll(page)
  await page.getByLabel('New password').fill(NEW_PASSWORD)
  await page.getByRole('button', { name: 'Set new password' }).click()
  await expect(page.getByRole('main').getByRole('status')).toContainText('Your new password is set')
  await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/signin$/)

  await signInWith(page, email, PASSWORD)
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Invalid email or password')
  await signInWith(page, email, NEW_PASSWORD)
  await expect(page).toHaveURL(/\/tasks/)
})

test('a reset link works once', async ({ page, context }) => {
  const email = uniqueEmail('ida')
  await signUp(page, email)
  await page.goto('/forgot-password')
  await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Send reset link' }).click()
  const link = await mailedLink(email, 'reset-password')

  await page.goto(link)
  await page.getByLabel('New password').fill(NEW_PASSWORD)
  await page.getByRole('button', { name: 'Set new password' }).click()
  await expect(page.getByRole('main').getByRole('status')).toContainText('Your new password is set')

  // Opened again, as from the mail, in a new tab.
  const again = await context.newPage()
  await again.goto(link)
  await again.getByLabel('New password').fill('yet another passphrase 44')
  await again.getByRole('button', { name: 'Set new password' }).click()
  await expect(again.getByRole('main').getByRole('alert')).toContainText('This link is invalid or has expired')
  await again.getByRole('link', { name: 'Send me a new link' }).click()
  await expect(again).toHaveURL(/\/forgot-password$/)
})

test('a new user verifies their address from the emailed link', async ({ page }) => {
  const email = uniqueEmail('jon')
  await signUp(page, email)
  await page.goto('/account')
  await expect(page.getByText('Not verified')).toBeVisible()

  await page.goto(await mailedLink(email, 'verify-email'))
  await expect(page.getByRole('main').getByRole('status')).toContainText('Your email address is verified')
  expect(new URL(page.url()).hash).toBe('')
  await page.getByRole('link', { name: 'Go to your tasks' }).click()
  await page.getByRole('link', { name: 'Account', exact: true }).click()
  await expect(page.getByText('Verified', { exact: true })).toBeVisible()
})

test('a user deletes their account, and its credentials stop working', async ({ page }) => {
  const email = uniqueEmail('kim')
  await signUp(page, email)
  await addTask(page, 'Gone with the account')

  await page.getByRole('link', { name: 'Account', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Delete account' })).toBeVisible()
  await expectNoSidewaysScroll(page)
  // The current session is listed, and marked as this device.
  await expect(page.getByRole('region', { name: 'Sessions' }).getByText('This device')).toBeVisible()

  const danger = page.getByRole('region', { name: 'Delete account' })
  await danger.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await danger.getByRole('checkbox', { name: /deleted for good/ }).check()
  await danger.getByRole('button', { name: 'Delete my account' }).click()

  await expect(page).toHaveURL(/\/signin\?deleted=1$/)
  await expect(page.getByRole('main').getByRole('status')).toHaveText(
    'Your account and all its tasks have been deleted.',
  )
  await page.goto('/tasks')
  await expect(page).toHaveURL(/\/signin/)

  await signInWith(page, email, PASSWORD)
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Invalid email or password')
})

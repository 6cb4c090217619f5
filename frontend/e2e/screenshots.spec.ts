/** A phone-sized and a desktop screenshot of every page, saved for people to look at. */
import { expect, test } from '@playwright/test'
import { mailedLink } from './mail'
import { addTask, signUp, uniqueEmail } from './support'

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const
const DIR = 'test-results/screenshots'

for (const size of SIZES) {
  test(`every page at ${size.width}×${size.height}`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height } })
    const page = await context.newPage()
    const shot = async (name: string) => {
      // No page may scroll sideways on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0)
      await page.screenshot({ path: `${DIR}/${name}-${size.name}.png`, fullPage: true })
    }

    await page.goto('/signup')
    await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible()
    await shot('signup')
    await page.goto('/signin')
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible()
    await shot('signin')
    await page.goto('/signin?deleted=1')
    await expect(page.getByText('have been deleted')).toBeVisible()
    await shot('signin-deleted')
    await page.getByRole('link', { name: 'Forgot password?' }).click()
    await page.getByLabel('Email').fill('nobody@example.com')
    await page.getByRole('button', { name: 'Send reset link' }).click()
    await expect(page.getByRole('main').getByRole('status')).toContainText('we sent a link')
    await shot('forgot-password')
    await page.goto('/reset-password#token=not-checked-until-submitted')
    await expect(page.getByLabel('New password')).toBeVisible()
    await shot('reset-password')
    await page.goto('/reset-password')
    await expect(page.getByRole('main').getByRole('alert')).toContainText('This link is invalid or has expired')
    await shot('reset-password-bad-link')

    const email = uniqueEmail('shots')
    await signUp(page, email)
    await shot('tasks-empty')
    for (const title of ['Renew passport', 'Buy milk', 'Plan the team offsite']) await addTask(page, title)
    await page.getByRole('checkbox', { name: 'Mark Buy milk as done' }).check()
    await shot('tasks')
    await page.getByRole('link', { name: 'Edit Plan the team offsite' }).click()
    await expect(page.getByLabel('Title')).toHaveValue('Plan the team offsite')
    await shot('task-edit')
    await page.goto('/account')
    await expect(page.getByRole('button', { name: 'Sign out' }).first()).toBeVisible()
    await expect(page.getByText('You created your account')).toBeVisible()
    await shot('account')
    await page.goto(await mailedLink(email, 'verify-email'))
    await expect(page.getByText('Your email address is verified')).toBeVisible()
    await shot('verify-email')
    await context.close()
  })
}

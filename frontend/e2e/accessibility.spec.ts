/**
 * axe-core on every page (the sign-in code step included) and the task list's states, in light and dark, at 390 px and 1280 px:
 * zero violations of WCAG 2.2 A and AA (issue 14).
 */
import AxeBuilder from '@axe-core/playwright'
import { expect, type Page, test } from '@playwright/test'
import { addTask, SIZES, signIn, signUp, turnOnTotp, uniqueEmail } from './support'

const SCHEMES = ['light', 'dark'] as const

async function expectNoViolations(page: Page, what: string) {
  // A list still loading is dimmed on purpose: scan what people read once it has settled.
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0)
  await page.waitForTimeout(300)
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze()
  const found = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(found, `${what}: axe violations`).toEqual([])
}

for (const size of SIZES) {
  for (const scheme of SCHEMES) {
    test(`every page has no axe violations at ${size.width} px in ${scheme}`, async ({ browser }) => {
      test.setTimeout(90_000)
      const context = await browser.newContext({
        viewport: { width: size.width, height: size.height },
        colorScheme: scheme,
      })
      const page = await context.newPage()
      // Reset and verification pages opened without a link's token: what a stale bookmark shows.
      for (const path of ['/signin', '/signup', '/forgot-password', '/reset-password', '/verify-email']) {
        await page.goto(path)
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
        await expectNoViolations(page, path)
      }

      const email = uniqueEmail('axe')
      await signUp(page, email)
      await expectNoViolations(page, 'empty task list')
      await addTask(page, 'Water the plants')
      await page.getByLabel('New task').fill('Pay rent tomorrow !high #bills')
      await page.getByLabel('New task').press('Enter')
      await page.getByRole('checkbox', { name: 'Mark Water the plants as done' }).check()
      await page.getByRole('button', { name: 'More options' }).click()
      await page.getByLabel('New task').fill('Call mum friday 6pm #family')
      await expect(page.getByRole('list', { name: 'Recognised parts' })).toBeVisible()
      await expectNoViolations(page, 'task list with chips and sections')

      await page.getByRole('button', { name: 'Delete Water the plants' }).click()
      await expect(page.getByRole('button', { name: 'Undo' })).toBeVisible()
      await expectNoViolations(page, 'undo toast')
      await page.getByRole('button', { name: 'Undo' }).click()

      if (size.width > 600) {
        await page.getByRole('button', { name: /Keyboard shortcuts/ }).click()
        await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible()
        await expectNoViolations(page, 'shortcuts dialog')
        await page.keyboard.press('Escape')
      }

      await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Today' }).click()
      await expect(page).toHaveURL(/view=today/)
      await expect(page.getByText('Nothing due today.')).toBeVisible()
      await expectNoViolations(page, 'Today view')

      // "Pay rent" is due tomorrow: under Upcoming.
      await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Upcoming' }).click()
      await page.getByRole('link', { name: 'Edit Pay rent' }).click()
      await expect(page).toHaveURL(/\/tasks\/[^/?]+/)
      await expect(page.getByRole('textbox', { name: 'Title' })).toHaveValue('Pay rent')
      await expectNoViolations(page, 'task editor')

      await page.goto('/account')
      await expect(page.getByText('You created your account')).toBeVisible()
      await expectNoViolations(page, 'account')

      await turnOnTotp(page)
      await expectNoViolations(page, 'account showing recovery codes')
      await page.getByRole('region', { name: 'Sign out' }).getByRole('button', { name: 'Sign out' }).click()
      await expect(page).toHaveURL(/\/signin$/)
      await signIn(page, email)
      await expect(page.getByRole('heading', { name: 'Two-factor authentication', level: 1 })).toBeVisible()
      await expectNoViolations(page, 'sign-in code step')
      await context.close()
    })
  }
}

/** Issue 14, part 2: quick add that understands dates, priorities and tags — on a phone and on a desktop. */
import { expect, type Page, test } from '@playwright/test'
import { dayFromNow, SIZES, signUp, taskCheckbox, uniqueEmail } from './support'

const item = (page: Page, title: string) => page.getByRole('listitem').filter({ has: taskCheckbox(page, title) })

for (const size of SIZES) {
  test.describe(`quick add at ${size.width} px`, () => {
    test.use({ viewport: { width: size.width, height: size.height } })

    test('"Pay rent tomorrow !high #bills" adds "Pay rent", high, #bills, due tomorrow', async ({ page }) => {
      await signUp(page, uniqueEmail('quick'))
      const input = page.getByLabel('New task')
      await input.fill('Pay rent tomorrow !high #bills')
      const chips = page.getByRole('list', { name: 'Recognised parts' })
      await expect(chips.getByRole('button')).toHaveCount(3)
      await expect(chips.getByRole('button', { name: /^Priority High: remove/ })).toBeVisible()
      await page.screenshot({ path: `test-results/screenshots/quick-add-chips-${size.name}.png` })
      await input.press('Enter')

      const row = item(page, 'Pay rent')
      await expect(row).toBeVisible()
      await expect(row.getByText('High')).toBeVisible()
      await expect(row.getByRole('button', { name: 'Filter by tag bills' })).toBeVisible()
      await expect(row.getByText('due tomorrow')).toBeVisible()
      await expect(input).toHaveValue('')

      await page.getByRole('link', { name: 'Edit Pay rent' }).click()
      await expect(page.getByLabel('Title')).toHaveValue('Pay rent')
      await expect(page.getByLabel('Due date')).toHaveValue(dayFromNow(1))
      await expect(page.getByLabel('Time (optional)')).toHaveValue('')
      await expect(page.getByLabel('Priority')).toHaveValue('high')
      await expect(page.getByLabel('Tags')).toHaveValue('bills')
    })

    test('"Call mum friday 6pm #family" is due on Friday at 18:00; a removed chip stays in the title', async ({
      page,
    }) => {
      await signUp(page, uniqueEmail('mum'))
      const input = page.getByLabel('New task')
      await input.fill('Call mum friday 6pm #family')
      await input.press('Enter')
      await page.getByRole('link', { name: 'Edit Call mum' }).click()
      await expect(page.getByLabel('Time (optional)')).toHaveValue('18:00')
      const due = new Date(`${await page.getByLabel('Due date').inputValue()}T12:00`)
      expect(due.getDay()).toBe(5)
      expect(due.getTime() - Date.now()).toBeGreaterThan(-86_400_000)
      expect(due.getTime() - Date.now()).toBeLessThan(8 * 86_400_000)
      await expect(page.getByLabel('Tags')).toHaveValue('family')
      await page.getByRole('link', { name: 'Cancel' }).click()

      await input.fill('Buy a ticket for the 5pm train')
      await page.getByRole('button', { name: /^Due .*: remove/ }).click()
      await expect(input).toBeFocused()
      await input.press('Enter')
      await expect(taskCheckbox(page, 'Buy a ticket for the 5pm train')).toBeVisible()
      await expect(item(page, 'Buy a ticket for the 5pm train').locator('time')).toHaveCount(0)
    })
  })
}

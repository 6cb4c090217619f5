/** Issue 14, part 1: due dates that cannot be lost — on a phone and on a desktop. */
import { expect, type Page, test } from '@playwright/test'
import { dayFromNow, SIZES, signUp, taskCheckbox, uniqueEmail } from './support'

const item = (page: Page, title: string) => page.getByRole('listitem').filter({ has: taskCheckbox(page, title) })

async function openMoreOptions(page: Page) {
  const more = page.getByRole('button', { name: 'More options' })
  if ((await more.getAttribute('aria-expanded')) !== 'true') await more.click()
}

for (const size of SIZES) {
  test.describe(`due dates at ${size.width} px`, () => {
    test.use({ viewport: { width: size.width, height: size.height } })

    test('a date without a time is an all-day task, shown with its exact date', async ({ page }) => {
      await signUp(page, uniqueEmail('allday'))
      await openMoreOptions(page)
      await page.getByLabel('New task').fill('Renew passport')
      await page.getByLabel('Due date').fill(dayFromNow(1))
      await page.getByRole('button', { name: 'Add', exact: true }).click()

      const row = item(page, 'Renew passport')
      await expect(row.getByText('due tomorrow')).toBeVisible()
      const tomorrow = new Date()
      tomorrow.setDate(tomorrow.getDate() + 1)
      const weekday = tomorrow.toLocaleDateString(undefined, { weekday: 'short' })
      await expect(row.getByText(new RegExp(`^${weekday},? .*${tomorrow.getDate()}`))).toBeVisible()

      await page.getByRole('link', { name: 'Edit Renew passport' }).click()
      await expect(page.getByLabel('Due date')).toHaveValue(dayFromNow(1))
      await expect(page.getByLabel('Time (optional)')).toHaveValue('')
    })

    test('a half-typed date is an error on the field, and no task is added', async ({ page }) => {
      await signUp(page, uniqueEmail('halfdate'))
      await openMoreOptions(page)
      await page.getByLabel('New task').fill('Half a date')
      await page.getByLabel('Due date').click()
      await page.getByLabel('Due date').pressSequentially('12')
      await page.getByRole('button', { name: 'Add', exact: true }).click()

      await expect(page.getByLabel('Due date')).toHaveAccessibleDescription('Enter the whole date: day, month and year')
      await expect(page.getByLabel('Due date')).toBeFocused()
      await expect(page.getByLabel('New task')).toHaveValue('Half a date')
      await expect(taskCheckbox(page, 'Half a date')).toHaveCount(0)
    })

    test('editing a task never clears or moves its due date', async ({ page }) => {
      await signUp(page, uniqueEmail('keepdue'))
      await openMoreOptions(page)
      await page.getByLabel('New task').fill('Dentist')
      await page.getByLabel('Due date').fill(dayFromNow(3))
      await page.getByLabel('Time (optional)').fill('09:30')
      await page.getByRole('button', { name: 'Add', exact: true }).click()
      await expect(item(page, 'Dentist').getByText('due in 3 days')).toBeVisible()

      await page.getByRole('link', { name: 'Edit Dentist' }).click()
      await page.getByLabel('Title').fill('Dentist appointment')
      await page.getByRole('button', { name: 'Save' }).click()
      await expect(item(page, 'Dentist appointment').getByText('due in 3 days')).toBeVisible()

      await page.getByRole('link', { name: 'Edit Dentist appointment' }).click()
      await expect(page.getByLabel('Due date')).toHaveValue(dayFromNow(3))
      await expect(page.getByLabel('Time (optional)')).toHaveValue('09:30')
      // Clearing only the time keeps the day: the task becomes all day, not undated.
      await page.getByLabel('Time (optional)').fill('')
      await page.getByRole('button', { name: 'Save' }).click()
      await expect(item(page, 'Dentist appointment').getByText('due in 3 days')).toBeVisible()
    })
  })
}

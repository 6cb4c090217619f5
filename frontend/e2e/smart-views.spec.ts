/** Issue 14, part 3: the smart list (overdue first, completed last) and the Today and Upcoming views. */
import { expect, type Page, test } from '@playwright/test'
import { addTask, dayFromNow, SIZES, signUp, taskCheckbox, uniqueEmail } from './support'

async function addDue(page: Page, title: string, days: number) {
  const more = page.getByRole('button', { name: 'More options' })
  if ((await more.getAttribute('aria-expanded')) !== 'true') await more.click()
  await page.getByLabel('New task').fill(title)
  await page.getByLabel('Due date').fill(dayFromNow(days))
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(taskCheckbox(page, title)).toBeVisible()
  await page.getByLabel('Due date').fill('')
}

const views = (page: Page) => page.getByRole('navigation', { name: 'Views' })

for (const size of SIZES) {
  test.describe(`smart views at ${size.width} px`, () => {
    test.use({ viewport: { width: size.width, height: size.height } })

    test('an overdue task is listed first, completed ones last', async ({ page }) => {
      await signUp(page, uniqueEmail('smart'))
      await addTask(page, 'Water the plants')
      await addDue(page, 'Book flights', 5)
      await addDue(page, 'Pay the gas bill', -2)
      await addTask(page, 'Old chore')
      await taskCheckbox(page, 'Old chore').check()
      await page.reload()

      await expect(page.getByRole('heading', { level: 2 })).toHaveText(['Overdue', 'Upcoming', 'No date', 'Completed'])
      await expect(page.getByRole('checkbox', { name: /^Mark .* as done$/ }).first()).toHaveAccessibleName(
        'Mark Pay the gas bill as done',
      )
      const overdue = page.getByRole('list', { name: 'Overdue' })
      await expect(overdue.getByText('overdue by 2 days')).toBeVisible()
      await expect(page.getByRole('list', { name: 'Completed' }).getByText('Old chore')).toBeVisible()
      await page.screenshot({ path: `test-results/screenshots/tasks-smart-${size.name}.png`, fullPage: true })
    })

    test('"Call mum friday 6pm #family" is under Upcoming with its date and time; Today is one click away', async ({
      page,
    }) => {
      await signUp(page, uniqueEmail('views'))
      // On a Friday, "friday" could be today: ask for the day after, still a weekday name.
      const weekday = new Date().getDay() === 5 ? 'saturday' : 'friday'
      await page.getByLabel('New task').fill(`Call mum ${weekday} 6pm #family`)
      await page.getByLabel('New task').press('Enter')
      await addDue(page, 'Pay the gas bill', -1)

      await views(page).getByRole('link', { name: 'Upcoming' }).click()
      await expect(views(page).getByRole('link', { name: 'Upcoming' })).toHaveAttribute('aria-current', 'page')
      const row = page.getByRole('listitem').filter({ has: taskCheckbox(page, 'Call mum') })
      await expect(row).toBeVisible()
      await expect(row.getByText(/(18:00|6:00\s?PM)$/)).toBeVisible()
      await expect(taskCheckbox(page, 'Pay the gas bill')).toHaveCount(0)

      await views(page).getByRole('link', { name: 'Today' }).click()
      await expect(page).toHaveURL(/view=today/)
      await expect(taskCheckbox(page, 'Pay the gas bill')).toBeVisible()
      await expect(taskCheckbox(page, 'Call mum')).toHaveCount(0)
      await page.screenshot({ path: `test-results/screenshots/tasks-today-${size.name}.png`, fullPage: true })
    })
  })
}

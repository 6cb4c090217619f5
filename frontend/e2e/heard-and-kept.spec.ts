/**
 * Issue 14, parts 4–6: every action heard, focus kept, phones (tap targets, one delete, unsaved
 * changes), and keyboard shortcuts — on a phone-sized and a desktop window.
 */
import { expect, type Page, test } from '@playwright/test'
import { addTask, SIZES, signUp, taskCheckbox, uniqueEmail } from './support'

/** What the polite live regions hold now (what a screen reader was told). */
const announced = (page: Page) => page.locator('[role="status"][aria-live="polite"]')

for (const size of SIZES) {
  test.describe(`heard and kept at ${size.width} px`, () => {
    test.use({ viewport: { width: size.width, height: size.height } })

    test('the live region says what happened: add, complete, search count', async ({ page }) => {
      await signUp(page, uniqueEmail('heard'))
      // After signing up, focus is on the page's heading, and the navigation marks the page.
      await expect(page.getByRole('heading', { name: 'Tasks', level: 1 })).toBeFocused()
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' })).toHaveAttribute(
        'aria-current',
        'page',
      )
      await addTask(page, 'Buy milk')
      await expect(announced(page).filter({ hasText: 'Added “Buy milk”.' })).toHaveCount(1)
      await addTask(page, 'Call the bank')
      await taskCheckbox(page, 'Buy milk').check()
      await expect(announced(page).filter({ hasText: 'Completed “Buy milk”.' })).toHaveCount(1)
      await page.getByPlaceholder('Search tasks').fill('bank')
      await expect(announced(page).filter({ hasText: '1 task matches “bank”.' })).toHaveCount(1)
      await page.getByPlaceholder('Search tasks').fill('zebra')
      await expect(announced(page).filter({ hasText: 'No tasks match “zebra”.' })).toHaveCount(1)
    })

    test('after saving an edit, focus is back on the task with "Saved"', async ({ page }) => {
      await signUp(page, uniqueEmail('saved'))
      await addTask(page, 'Write report')
      await addTask(page, 'Other task')
      await page.getByRole('link', { name: 'Edit Write report' }).click()
      await page.getByLabel('Title').fill('Write the quarterly report')
      await page.getByLabel('Title').press('Enter')
      await expect(taskCheckbox(page, 'Write the quarterly report')).toBeFocused()
      await expect(announced(page).filter({ hasText: 'Saved “Write the quarterly report”.' })).toHaveCount(1)
    })

    test('one delete everywhere: the editor’s Delete gives the undo toast naming the task; Escape dismisses it', async ({
      page,
    }) => {
      await signUp(page, uniqueEmail('delete'))
      await addTask(page, 'Old plan')
      await page.getByRole('link', { name: 'Edit Old plan' }).click()
      await expect(page.getByRole('heading', { name: 'Edit task' })).toBeVisible()
      await page.getByRole('button', { name: 'Delete', exact: true }).click()
      await expect(page.getByText('Deleted “Old plan”')).toBeVisible()
      await page.getByRole('button', { name: 'Undo' }).click()
      await expect(taskCheckbox(page, 'Old plan')).toBeVisible()

      await page.getByRole('button', { name: 'Delete Old plan' }).click()
      await expect(page.getByText('Deleted “Old plan”')).toBeVisible()
      await page.keyboard.press('Escape')
      await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(0)
      await page.reload()
      await expect(page.getByText('No tasks yet.')).toBeVisible()
    })

    test('the editor asks before discarding unsaved changes, and shows a long title whole', async ({ page }) => {
      await signUp(page, uniqueEmail('unsaved'))
      const long = `Renew the passport ${'and everything else it needs '.repeat(5)}`.trim()
      await addTask(page, long)
      await page.getByRole('link', { name: `Edit ${long}` }).click()
      const title = page.getByLabel('Title')
      await expect(title).toHaveValue(long)
      // Shown whole: the field is as tall as its text, nothing scrolled out of sight.
      expect(await title.evaluate((el) => el.scrollHeight <= el.clientHeight + 1)).toBe(true)

      await title.fill('Renew the passport')
      page.once('dialog', (dialog) => dialog.dismiss())
      await page.getByRole('link', { name: 'Cancel' }).click()
      await expect(page).toHaveURL(/\/tasks\/[^/?]+/)
      await expect(title).toHaveValue('Renew the passport')
      page.once('dialog', (dialog) => dialog.accept())
      await page.getByRole('link', { name: 'Cancel' }).click()
      await expect(page).toHaveURL(/\/tasks(\?|$)/)
      await expect(taskCheckbox(page, long)).toBeVisible()
    })

    test('tap targets are at least 44×44 px', async ({ page }) => {
      await signUp(page, uniqueEmail('taps'))
      await addTask(page, 'Tap me')
      await expect(page.getByRole('link', { name: 'Edit Tap me' })).toBeVisible()
      const targets = [
        page.locator('label[for$="-done"]').first(),
        page.getByRole('link', { name: 'Edit Tap me' }),
        page.getByRole('button', { name: 'Delete Tap me' }),
        page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }),
        page.getByRole('button', { name: 'Sign out' }),
        page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Today' }),
        page.getByRole('button', { name: 'Add', exact: true }),
      ]
      for (const target of targets) {
        const box = await target.boundingBox()
        expect(box?.width, await target.evaluate((el) => el.outerHTML.slice(0, 80))).toBeGreaterThanOrEqual(44)
        expect(box?.height, await target.evaluate((el) => el.outerHTML.slice(0, 80))).toBeGreaterThanOrEqual(44)
      }
    })

    test('keyboard shortcuts: q adds, j moves, x completes, e edits, ? shows them, never while typing', async ({
      page,
    }) => {
      await signUp(page, uniqueEmail('keys'))
      // The list is there (its heading has the focus): from here on, keys are shortcuts.
      await expect(page.getByRole('heading', { name: 'Tasks', level: 1 })).toBeFocused()
      await page.keyboard.press('q')
      const input = page.getByLabel('New task')
      await expect(input).toBeFocused()
      await input.pressSequentially('First task j k x')
      await input.press('Enter')
      await expect(taskCheckbox(page, 'First task j k x')).toBeVisible()
      await addTask(page, 'Second task')
      // Both saved (a task still saving cannot be focused or edited yet).
      await expect(page.getByRole('link', { name: /^Edit / })).toHaveCount(2)

      await page.getByRole('heading', { name: 'Tasks', level: 1 }).focus()
      await page.keyboard.press('j')
      await expect(page.getByRole('checkbox').first()).toBeFocused()
      await page.keyboard.press('j')
      await expect(page.getByRole('checkbox').nth(1)).toBeFocused()
      await page.keyboard.press('x')
      await expect(page.getByRole('checkbox', { checked: true })).toHaveCount(1)

      await page.keyboard.press('?')
      const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
      await expect(help).toBeVisible()
      await expect(help.getByText('Delete the task (with undo)')).toBeVisible()
      await page.keyboard.press('Escape')
      await expect(help).toBeHidden()

      await page.keyboard.press('/')
      await expect(page.getByPlaceholder('Search tasks')).toBeFocused()
      await page.getByRole('heading', { name: 'Tasks', level: 1 }).focus()
      await page.keyboard.press('j')
      await page.keyboard.press('e')
      await expect(page).toHaveURL(/\/tasks\/[^/?]+/)
      await expect(page.getByRole('heading', { name: 'Edit task' })).toBeVisible()
    })
  })
}

import { randomUUID } from 'node:crypto'
import { expect, type Page } from '@playwright/test'

export const PASSWORD = 'a sturdy passphrase 42'

export const uniqueEmail = (who: string) => `${who}-${randomUUID().slice(0, 8)}@example.com`

export async function signUp(page: Page, email: string) {
  await page.goto('/signup')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page).toHaveURL(/\/tasks/)
}

export async function signIn(page: Page, email: string) {
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

export async function addTask(page: Page, title: string) {
  await page.getByLabel('New task').fill(title)
  await page.getByLabel('New task').press('Enter')
  await expect(taskCheckbox(page, title)).toBeVisible()
}

export const taskCheckbox = (page: Page, title: string) => page.getByRole('checkbox', { name: `Mark ${title} as done` })

/** The status filter is a segmented control: radios styled as labels (click the label, as a person does). */
export async function showOnly(page: Page, status: 'All' | 'To do' | 'Done') {
  await page.getByRole('group', { name: 'Show' }).getByText(status, { exact: true }).click()
  await expect(page.getByRole('radio', { name: status })).toBeChecked()
}

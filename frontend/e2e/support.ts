import { randomUUID } from 'node:crypto'
import { type BrowserContext, expect, type Page } from '@playwright/test'
import { Secret, TOTP } from 'otpauth'

export const PASSWORD = 'a sturdy passphrase 42'

/** The widths every journey of the task workflow runs at: a phone and a desktop. */
export const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const

const pad = (n: number) => String(n).padStart(2, '0')
/** A local day `days` from today as a date input's value (YYYY-MM-DD). */
export function dayFromNow(days: number): string {
  const d = new Date()
  d.setDate(d.getDate() + days)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

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

/** A TOTP generator for the key the account page shows, like an authenticator app (SHA-1, 6 digits, 30 s). */
export type Authenticator = {
  /** The code of the 30-second step `ahead` steps after the one used to turn TOTP on (the API refuses a step used already). */
  code(ahead: number): string
}

/**
 * Turns on two-factor authentication from the account page (signed in there already), as a
 * person does: password, the key read off the page, a first code. Leaves the recovery codes shown.
 */
export async function turnOnTotp(page: Page): Promise<{ authenticator: Authenticator; recoveryCodes: string[] }> {
  const section = page.getByRole('region', { name: 'Two-factor authentication' })
  await section.getByRole('button', { name: 'Turn on two-factor authentication' }).click()
  await section.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await section.getByRole('button', { name: 'Continue' }).click()
  await expect(section.getByRole('img', { name: /QR code of your two-factor key/ })).toBeVisible()
  const secret = ((await section.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '')
  const totp = new TOTP({ secret: Secret.fromBase32(secret) })
  const step = Math.floor(Date.now() / 30_000)
  const authenticator = { code: (ahead: number) => totp.generate({ timestamp: (step + ahead) * 30_000 }) }
  await section.getByLabel('Code from your app').fill(authenticator.code(0))
  await section.getByRole('button', { name: 'Turn on two-factor authentication' }).click()
  await expect(section.getByRole('heading', { name: 'Save your recovery codes' })).toBeFocused()
  const recoveryCodes = await section
    .getByRole('list', { name: 'Recovery codes' })
    .getByRole('listitem')
    .allTextContents()
  expect(recoveryCodes).toHaveLength(10)
  return { authenticator, recoveryCodes }
}

/** Chromium's virtual authenticator (DevTools protocol): a platform passkey store with user verification, no device. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  })
  return cdp
}

/** No page may scroll sideways (checked on phone-sized screens). */
export async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(0)
}

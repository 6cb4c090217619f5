/**
 * Second factors in a real browser against the real API: TOTP turned on from the account page
 * and used to sign in (a code, a recovery code), and a passkey made and used with Chromium's
 * virtual authenticator. On a 390 px phone, by role and label, as a person would.
 */
import { readFile } from 'node:fs/promises'
import { expect, type Page, test } from '@playwright/test'
import { Secret, TOTP } from 'otpauth'
import {
  addVirtualAuthenticator,
  expectNoSidewaysScroll,
  PASSWORD,
  signIn,
  signUp,
  turnOnTotp,
  uniqueEmail,
} from './support'

test.use({ viewport: { width: 390, height: 844 } })

async function signOutFromAccount(page: Page) {
  await page.getByRole('region', { name: 'Sign out' }).getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/signin$/)
}

const codeStep = (page: Page) => page.getByRole('heading', { name: 'Two-factor authentication', level: 1 })

test('a user turns on two-factor authentication, saves the codes, and signs in with a code from the app', async ({
  page,
}) => {
  const email = uniqueEmail('tia')
  await signUp(page, email)
  await page.goto('/account')
  await expectNoSidewaysScroll(page)
  const { authenticator, recoveryCodes } = await turnOnTotp(page)
  await expectNoSidewaysScroll(page)

  const section = page.getByRole('region', { name: 'Two-factor authentication' })
  const downloading = page.waitForEvent('download')
  await section.getByRole('link', { name: 'Download as .txt' }).click()
  const download = await downloading
  expect(download.suggestedFilename()).toBe('taskwell-recovery-codes.txt')
  const text = await readFile(await download.path(), 'utf8')
  for (const code of recoveryCodes) expect(text).toContain(code)
  await section.getByRole('button', { name: 'I’ve saved them' }).click()
  await expect(section.getByText('10 recovery codes left.')).toBeVisible()
  await expect(
    page.getByRole('region', { name: 'Recent security activity' }).getByText('You turned on two-factor authentication'),
  ).toBeVisible()

  await signOutFromAccount(page)
  await page.goto('/signin?next=%2Faccount')
  await signIn(page, email)
  await expect(codeStep(page)).toBeVisible()
  const code = page.getByLabel('Authentication code')
  await expect(code).toBeFocused()
  await expectNoSidewaysScroll(page)
  // A wrong code stays on the step, with the error on the field.
  await code.fill('000000')
  await code.press('Enter')
  await expect(code).toHaveAccessibleDescription(/That code is not right/)
  await expect(code).toBeFocused()
  // The next step's code: the one that turned TOTP on may not be used twice.
  await code.fill(authenticator.code(1))
  await code.press('Enter')
  await expect(page).toHaveURL(/\/account$/)
  await expect(page.getByText(email)).toBeVisible()
})

test('a user who lost their phone signs in with a recovery code, once', async ({ page }) => {
  const email = uniqueEmail('uma')
  await signUp(page, email)
  await page.goto('/account')
  const { recoveryCodes } = await turnOnTotp(page)
  const [first] = recoveryCodes as [string]
  await page.getByRole('button', { name: 'I’ve saved them' }).click()
  await signOutFromAccount(page)

  await signIn(page, email)
  await expect(codeStep(page)).toBeVisible()
  await page.getByRole('button', { name: 'Use a recovery code' }).click()
  const field = page.getByLabel('Recovery code')
  await expect(field).toBeFocused()
  await field.fill(first.toUpperCase()) // case and hyphens do not matter
  await field.press('Enter')
  await expect(page).toHaveURL(/\/tasks/)

  await page.goto('/account')
  await expect(page.getByText('9 recovery codes left.')).toBeVisible()
  await expect(page.getByText('A recovery code was used to sign in')).toBeVisible()
  await signOutFromAccount(page)

  // Used up: the same code is refused, and the sign-in carries on with another.
  await signIn(page, email)
  await page.getByRole('button', { name: 'Use a recovery code' }).click()
  await page.getByLabel('Recovery code').fill(first)
  await page.getByLabel('Recovery code').press('Enter')
  await expect(page.getByLabel('Recovery code')).toHaveAccessibleDescription(/was used already/)
  await page.getByLabel('Recovery code').fill(recoveryCodes[1] as string)
  await page.getByLabel('Recovery code').press('Enter')
  await expect(page).toHaveURL(/\/tasks/)
})

test('after three wrong codes the sign-in ends, and the password is asked again', async ({ page }) => {
  const email = uniqueEmail('val')
  await signUp(page, email)
  await page.goto('/account')
  await turnOnTotp(page)
  await page.getByRole('button', { name: 'I’ve saved them' }).click()
  await signOutFromAccount(page)

  await signIn(page, email)
  const code = page.getByLabel('Authentication code')
  for (const wrong of ['000000', '111111', '222222']) {
    await code.fill(wrong)
    await code.press('Enter')
    await expect(code).toHaveAccessibleDescription(/That code is not right/)
  }
  await code.fill('333333')
  await code.press('Enter')
  await expect(page.getByRole('main').getByRole('alert')).toHaveText(
    'This sign-in has expired; enter your password again.',
  )
  await expect(page.getByLabel('Email')).toHaveValue(email)
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused()
})

test('a user adds a passkey and signs in with it, typing no email', async ({ page, context }) => {
  await addVirtualAuthenticator(context, page)
  const email = uniqueEmail('wes')
  await signUp(page, email)
  await page.goto('/account')
  const section = page.getByRole('region', { name: 'Passkeys' })
  await expect(section.getByText('No passkeys yet.')).toBeVisible()

  await section.getByRole('button', { name: 'Add a passkey' }).click()
  await expect(section.getByLabel('Password', { exact: true })).toBeFocused()
  await section.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await section.getByLabel('Name').fill('Test laptop')
  await section.getByRole('button', { name: 'Create passkey' }).click()
  await expect(section.getByRole('status').first()).toContainText('Added “Test laptop”')
  const item = section.getByRole('listitem').filter({ hasText: 'Test laptop' })
  await expect(item).toContainText('Never used')
  await expectNoSidewaysScroll(page)

  await signOutFromAccount(page)
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
  await expect(page).toHaveURL(/\/tasks/)

  await page.goto('/account')
  await expect(item).toContainText('Last used')
  await expect(page.getByText('You added a passkey')).toBeVisible()

  // Renamed, then deleted: it stops signing in; this session stays.
  await item.getByRole('button', { name: 'Rename Test laptop' }).click()
  await section.getByLabel('New name for Test laptop').fill('Old laptop')
  await section.getByLabel('New name for Test laptop').press('Enter')
  const renamed = section.getByRole('listitem').filter({ hasText: 'Old laptop' })
  await expect(renamed.getByRole('button', { name: 'Rename Old laptop' })).toBeFocused()
  await renamed.getByRole('button', { name: 'Delete Old laptop' }).click()
  await expect(renamed).toContainText('Your sessions stay signed in')
  await renamed.getByRole('button', { name: 'Delete passkey' }).click()
  await expect(section.getByText('No passkeys yet.')).toBeVisible()
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Account', level: 1 })).toBeVisible()

  await signOutFromAccount(page)
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
  await expect(page.getByRole('main').getByText(/That passkey is not recognised/)).toBeVisible()
  await expect(page).toHaveURL(/\/signin$/)
})

test('a passkey signs in a TOTP account with no code asked', async ({ page, context }) => {
  await addVirtualAuthenticator(context, page)
  const email = uniqueEmail('xia')
  await signUp(page, email)
  await page.goto('/account')
  await turnOnTotp(page)
  await page.getByRole('button', { name: 'I’ve saved them' }).click()
  const section = page.getByRole('region', { name: 'Passkeys' })
  await section.getByRole('button', { name: 'Add a passkey' }).click()
  await section.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await section.getByRole('button', { name: 'Create passkey' }).click()
  await expect(section.getByRole('listitem')).toHaveCount(1)

  await signOutFromAccount(page)
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
  await expect(page).toHaveURL(/\/tasks/)
})

test('by keyboard alone: turning on TOTP, then signing in with a recovery code', async ({ page }) => {
  const email = uniqueEmail('yan')
  await signUp(page, email)
  await page.goto('/account')
  const section = page.getByRole('region', { name: 'Two-factor authentication' })
  const turnOn = section.getByRole('button', { name: 'Turn on two-factor authentication' })
  await turnOn.focus() // as if tabbed to
  await page.keyboard.press('Enter')
  await expect(section.getByLabel('Password', { exact: true })).toBeFocused()
  await page.keyboard.type(PASSWORD)
  await page.keyboard.press('Enter')

  // The new step's heading has the focus; Tab goes on through the key's copy button to the code.
  await expect(section.getByRole('heading', { name: /Scan this QR code/ })).toBeFocused()
  const secret = ((await section.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '')
  await page.keyboard.press('Tab')
  await expect(section.getByRole('button', { name: 'Copy key' })).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(section.getByLabel('Code from your app')).toBeFocused()
  await page.keyboard.type(new TOTP({ secret: Secret.fromBase32(secret) }).generate())
  await page.keyboard.press('Enter')

  await expect(section.getByRole('heading', { name: 'Save your recovery codes' })).toBeFocused()
  const [code] = await section.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allTextContents()
  for (const name of ['Copy codes', 'Download as .txt', 'I’ve saved them']) {
    await page.keyboard.press('Tab')
    await expect(section.getByRole(name.startsWith('Download') ? 'link' : 'button', { name })).toBeFocused()
  }
  await page.keyboard.press('Enter')
  await expect(section.getByText('10 recovery codes left.')).toBeVisible()
  await signOutFromAccount(page)

  await page.getByLabel('Email').focus()
  await page.keyboard.type(email)
  await page.keyboard.press('Tab')
  await page.keyboard.type(PASSWORD)
  await page.keyboard.press('Enter')
  await expect(page.getByLabel('Authentication code')).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(page.getByRole('button', { name: 'Use a recovery code' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByLabel('Recovery code')).toBeFocused()
  await page.keyboard.type(code as string)
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/tasks/)
})

/** A phone-sized and a desktop screenshot of every page, saved for people to look at. */
import { expect, type Locator, test } from '@playwright/test'
import { Secret, TOTP } from 'otpauth'
import { mailedLink } from './mail'
import { addTask, addVirtualAuthenticator, PASSWORD, SIZES, signIn, signUp, uniqueEmail } from './support'

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
    /** One part of a long page (an account section in a given state), after the same check. */
    const shotOf = async (part: Locator, name: string) => {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0)
      await part.screenshot({ path: `${DIR}/${name}-${size.name}.png` })
    }
    await addVirtualAuthenticator(context, page)

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
    // The sign-in page has an Email field too: fill the new page's, not the one leaving.
    await expect(page.getByRole('heading', { name: 'Forgot your password?', level: 1 })).toBeVisible()
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

    // Passkeys: one made on the virtual authenticator, listed.
    const passkeys = page.getByRole('region', { name: 'Passkeys' })
    await passkeys.getByRole('button', { name: 'Add a passkey' }).click()
    await passkeys.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await passkeys.getByLabel('Name').fill('MacBook Touch ID')
    await shotOf(passkeys, 'account-passkey-add')
    await passkeys.getByRole('button', { name: 'Create passkey' }).click()
    await expect(passkeys.getByRole('listitem')).toHaveCount(1)
    await shotOf(passkeys, 'account-passkeys')
    await passkeys.getByRole('button', { name: 'Delete MacBook Touch ID' }).click()
    await shotOf(passkeys, 'account-passkey-delete')
    await passkeys.getByRole('button', { name: 'Delete passkey' }).click()
    await expect(passkeys.getByText('No passkeys yet.')).toBeVisible()

    // Two-factor authentication: enrolling with the QR code, the recovery codes, then on.
    const twoFactor = page.getByRole('region', { name: 'Two-factor authentication' })
    await shotOf(twoFactor, 'account-2fa-off')
    await twoFactor.getByRole('button', { name: 'Turn on two-factor authentication' }).click()
    await twoFactor.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await twoFactor.getByRole('button', { name: 'Continue' }).click()
    await expect(twoFactor.getByRole('img', { name: /QR code/ })).toBeVisible()
    await shotOf(twoFactor, 'account-2fa-enrolling')
    const secret = ((await twoFactor.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '')
    const totp = new TOTP({ secret: Secret.fromBase32(secret) })
    const step = Math.floor(Date.now() / 30_000)
    await twoFactor.getByLabel('Code from your app').fill(totp.generate({ timestamp: step * 30_000 }))
    await twoFactor.getByRole('button', { name: 'Turn on two-factor authentication' }).click()
    await expect(twoFactor.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible()
    await shotOf(twoFactor, 'account-2fa-codes')
    await twoFactor.getByRole('button', { name: 'I’ve saved them' }).click()
    await expect(twoFactor.getByText('10 recovery codes left.')).toBeVisible()
    await shotOf(twoFactor, 'account-2fa-on')
    await twoFactor.getByRole('button', { name: 'Turn off two-factor authentication' }).click()
    await shotOf(twoFactor, 'account-2fa-turn-off')
    await twoFactor.getByRole('button', { name: 'Cancel' }).click()

    // The sign-in's code step, both ways.
    await page.getByRole('region', { name: 'Sign out' }).getByRole('button', { name: 'Sign out' }).click()
    await expect(page).toHaveURL(/\/signin$/)
    // The deleted passkey is still on the (virtual) authenticator: the API no longer knows it.
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await expect(page.getByRole('main').getByRole('alert')).toContainText('That passkey is not recognised')
    await shot('signin-passkey-not-recognised')
    await signIn(page, email)
    await expect(page.getByLabel('Authentication code')).toBeFocused()
    await shot('signin-code')
    await page.getByLabel('Authentication code').fill('000000')
    await page.getByLabel('Authentication code').press('Enter')
    await expect(page.getByLabel('Authentication code')).toHaveAccessibleDescription(/not right/)
    await shot('signin-code-wrong')
    await page.getByRole('button', { name: 'Use a recovery code' }).click()
    await shot('signin-recovery-code')
    await page.getByRole('button', { name: 'Use your authenticator app' }).click()
    await page.getByLabel('Authentication code').fill(totp.generate({ timestamp: (step + 1) * 30_000 }))
    await page.getByLabel('Authentication code').press('Enter')
    await expect(page).toHaveURL(/\/tasks/)
    await page.goto(await mailedLink(email, 'verify-email'))
    await expect(page.getByText('Your email address is verified')).toBeVisible()
    await shot('verify-email')
    await context.close()
  })
}

/** The mails Taskwell sends: plain text first, with a minimal HTML twin. */
import { RESET_TOKEN_TTL_SECONDS, VERIFICATION_TOKEN_TTL_SECONDS } from '../identity/better-auth.js'
import type { Mail } from './mailer.js'

type Recipient = { email: string }

export function verificationMail(user: Recipient, link: string): Mail {
  return message(user, link, {
    subject: 'Verify your email address for Taskwell',
    intro: 'Please confirm that this is your email address by opening this link:',
    outro: `The link is valid for ${duration(VERIFICATION_TOKEN_TTL_SECONDS)}. If you did not create a Taskwell account, ignore this email.`,
  })
}

export function passwordResetMail(user: Recipient, link: string): Mail {
  return message(user, link, {
    subject: 'Reset your Taskwell password',
    intro: 'Someone (hopefully you) asked to reset your Taskwell password. Choose a new one here:',
    outro: `The link works once and for ${duration(RESET_TOKEN_TTL_SECONDS)}. If you did not ask for it, ignore this email: your password stays as it is.`,
  })
}

/** What changed on an account, as a notice says it. */
export type SecurityChange = 'totp_disabled' | 'recovery_code_used' | 'passkey_added'

const NOTICES: Record<SecurityChange, { subject: string; intro: string }> = {
  totp_disabled: {
    subject: 'Two-factor authentication was turned off for Taskwell',
    intro: 'Two-factor authentication was just turned off for your Taskwell account: a password alone now signs in.',
  },
  recovery_code_used: {
    subject: 'A recovery code was used to sign in to Taskwell',
    intro: 'A recovery code was just used to sign in to your Taskwell account, and every other session was signed out.',
  },
  passkey_added: {
    subject: 'A passkey was added to your Taskwell account',
    intro: 'A new passkey was just added to your Taskwell account: it can sign in without a password.',
  },
}

/** Tells the owner of an account that a way in changed, with the page where they can undo it. */
export function securityNoticeMail(user: Recipient, accountLink: string, change: SecurityChange): Mail {
  return message(user, accountLink, {
    ...NOTICES[change],
    outro:
      'If this was you, there is nothing to do. If it was not, change your password now and review your sessions and sign-in methods on your account page.',
  })
}

/**
 * A link lifetime as a mail states it: in the largest unit that divides it exactly
 * (1800 → "30 minutes", 86400 → "24 hours"; days would hide that a link mailed at 9 dies at 9).
 */
export function duration(seconds: number): string {
  const [count, unit] =
    seconds % 3600 === 0
      ? [seconds / 3600, 'hour']
      : seconds % 60 === 0
        ? [seconds / 60, 'minute']
        : [seconds, 'second']
  return `${count} ${unit}${count === 1 ? '' : 's'}`
}

function message(user: Recipient, link: string, words: { subject: string; intro: string; outro: string }): Mail {
  // No name: whoever signs up chooses it, and could make our mail carry their text to anyone.
  const greeting = 'Hello,'
  return {
    to: user.email,
    subject: words.subject,
    link,
    text: `${greeting}\n\n${words.intro}\n\n${link}\n\n${words.outro}\n`,
    html: [
      `<p>${escapeHtml(greeting)}</p>`,
      `<p>${escapeHtml(words.intro)}</p>`,
      `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
      `<p>${escapeHtml(words.outro)}</p>`,
    ].join('\n'),
  }
}

/** Names are user input: never let one become markup in someone's mail client. */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/**
 * The mail the e2e API "sent": with SMTP_URL unset it writes each message to
 * DATA_DIR/outbox as an .eml file (decision 009); playwright.config.ts shares DATA_DIR with us.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from '@playwright/test'

const outbox = () => {
  const dir = process.env.E2E_DATA_DIR
  if (!dir) throw new Error('E2E_DATA_DIR is not set (playwright.config.ts sets it)')
  return join(dir, 'outbox')
}

/** RFC 2045 quoted-printable: soft line breaks out, =XX escapes back to bytes (our links are ASCII). */
const decodeQuotedPrintable = (text: string) =>
  text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))

/** The link to `/page#token=…` in the newest message to `to`, waiting for it to be written (mail goes out in the background). */
export async function mailedLink(to: string, page: 'reset-password' | 'verify-email'): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"<>]+/${page}#token=[^\\s"<>]+`)
  let link: string | undefined
  await expect
    .poll(
      async () => {
        const files = (await readdir(outbox()).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort()
        // Newest first: the names start with the time they were written.
        for (const file of files.reverse()) {
          const message = decodeQuotedPrintable(await readFile(join(outbox(), file), 'utf8'))
          if (!new RegExp(`^To: .*${to.replace(/[.+]/g, '\\$&')}`, 'mi').test(message)) continue
          link = pattern.exec(message)?.[0]
          if (link) return link
        }
        return undefined
      },
      { message: `a ${page} link mailed to ${to}`, timeout: 10_000 },
    )
    .toBeTruthy()
  return link as string
}

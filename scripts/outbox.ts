/**
 * `npm run outbox [count]`: the newest mails the API wrote to DATA_DIR/outbox (it does when
 * SMTP_URL is unset), each with its link, so a developer can open a verification or
 * password-reset link without a mail server. The API's log says only that a mail was written and
 * where: a link's token opens the account, and logs are read by more people than own the files.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** DATA_DIR as the API resolves it: relative to where it runs, the repository root under npm. */
const outbox = join(resolve(process.env.DATA_DIR ?? 'data'), 'outbox')
const count = Math.max(1, Number(process.argv[2] ?? 5) || 5)

/** RFC 2045 quoted-printable: soft line breaks out, =XX escapes back to bytes (the links are ASCII). */
function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
}

/** The date, recipient, subject and links of one .eml file as the outbox writes it. */
function summarize(eml: string): { date: string; to: string; subject: string; links: string[] } {
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(eml)?.[1]?.trim() ?? ''
  const text = decodeQuotedPrintable(eml)
  const links = [...new Set(text.match(/https?:\/\/[^\s"<>]+/g) ?? [])]
  return { date: header('Date'), to: header('To'), subject: header('Subject'), links }
}

let files: string[]
try {
  files = readdirSync(outbox).filter((f) => f.endsWith('.eml'))
} catch {
  files = []
}
if (files.length === 0) {
  console.log(`No mail in ${outbox} yet.`)
} else {
  // The names start with the time they were written: newest last, as a terminal reads best.
  for (const file of files.sort().slice(-count)) {
    const mail = summarize(readFileSync(join(outbox, file), 'utf8'))
    console.log(`${mail.date}  to ${mail.to}  ${mail.subject}`)
    for (const link of mail.links) console.log(`  ${link}`)
    console.log(`  (${join(outbox, file)})\n`)
  }
}

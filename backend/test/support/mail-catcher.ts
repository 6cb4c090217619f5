/**
 * A real SMTP server on 127.0.0.1 for the mail tests (decision 009 "Mail"): the app sends
 * through `SMTP_URL=catcher.url` exactly as it would through a real relay, and the tests read
 * what arrived. Plain SMTP, no TLS, no authentication. Also reads the `.eml` files of the
 * outbox that replaces SMTP when `SMTP_URL` is unset.
 */
import { readdir, readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** How long a test waits for a mail sent in the background, unless it says otherwise. */
export const MAIL_TIMEOUT_MS = 5_000

export type CaughtMail = {
  /** `RCPT TO` addresses, lower-case (what the mail server was asked to deliver to). */
  envelopeTo: string[]
  /** `MAIL FROM` address, lower-case. */
  envelopeFrom: string
  /** The `To:` header's addresses, lower-case. */
  to: string[]
  /** The `From:` header, parsed. */
  from: { address: string; name: string }
  subject: string
  text: string
  html: string
  parsed: ParsedMail
}

export type MailCatcher = {
  /** `smtp://127.0.0.1:PORT`, ready for `SMTP_URL`. */
  url: string
  /** Every message received so far, oldest first. */
  readonly messages: readonly CaughtMail[]
  /** The messages received so far for `address`. */
  messagesTo(address: string): CaughtMail[]
  /**
   * The next message for `address` that this function has not returned before, waiting for
   * it to arrive (the app sends in the background) until `timeoutMs`.
   */
  nextMessageTo(address: string, options?: { timeoutMs?: number }): Promise<CaughtMail>
  /** Holds every message from now on: the server accepts it only after `release()`. */
  hold(): void
  release(): void
  close(): Promise<void>
}

/** Starts the catcher on a port the OS picks (so no other test can have taken it). */
export async function startMailCatcher(): Promise<MailCatcher> {
  const messages: CaughtMail[] = []
  const returned = new Set<CaughtMail>()
  const waiters = new Set<() => void>()
  let held: { promise: Promise<void>; release: () => void } | undefined

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          const { rcptTo, mailFrom } = session.envelope
          messages.push(toCaught(parsed, rcptTo, mailFrom))
          for (const wake of waiters) wake()
          // Accepted (250) only once released: the sender is kept waiting meanwhile.
          if (held) await held.promise
          callback()
        })
        .catch((err: Error) => callback(err))
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.server.address() as AddressInfo

  const messagesTo = (address: string) => messages.filter((m) => isFor(m, address))

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    messagesTo,
    async nextMessageTo(address, { timeoutMs = MAIL_TIMEOUT_MS } = {}) {
      const pick = () => messagesTo(address).find((m) => !returned.has(m))
      const found = pick() ?? (await waitFor(pick, waiters, timeoutMs))
      if (!found) {
        const seen = messages.map((m) => `${m.envelopeTo.join(',')}: ${m.subject}`).join('\n  ')
        throw new Error(`no new mail to ${address} within ${timeoutMs} ms; received:\n  ${seen || '(nothing)'}`)
      }
      returned.add(found)
      return found
    },
    hold() {
      let release = () => {}
      const promise = new Promise<void>((resolve) => {
        release = resolve
      })
      held = { promise, release }
    },
    release() {
      held?.release()
      held = undefined
    },
    close() {
      held?.release()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Resolves with `pick()` once it finds something, or with undefined after `timeoutMs`. */
function waitFor<T>(pick: () => T | undefined, waiters: Set<() => void>, timeoutMs: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const done = (value: T | undefined) => {
      clearTimeout(timer)
      waiters.delete(check)
      resolve(value)
    }
    const check = () => {
      const value = pick()
      if (value !== undefined) done(value)
    }
    const timer = setTimeout(() => done(undefined), timeoutMs)
    waiters.add(check)
  })
}

function isFor(message: CaughtMail, address: string): boolean {
  const wanted = address.toLowerCase()
  return message.envelopeTo.includes(wanted) || message.to.includes(wanted)
}

function addresses(header: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header]
  return objects.flatMap((o) => o.value).map((a) => ({ address: (a.address ?? '').toLowerCase(), name: a.name }))
}

function toCaught(
  parsed: ParsedMail,
  rcptTo: { address: string }[] = [],
  mailFrom: { address: string } | false = false,
): CaughtMail {
  return {
    envelopeTo: rcptTo.map((r) => r.address.toLowerCase()),
    envelopeFrom: mailFrom ? mailFrom.address.toLowerCase() : '',
    to: addresses(parsed.to).map((a) => a.address),
    from: addresses(parsed.from)[0] ?? { address: '', name: '' },
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    parsed,
  }
}

/**
 * The link in `message` to the web page `path` (`verify-email`, `reset-password`), as a URL.
 * Looks in the text part, then the HTML part; throws when there is none.
 */
export function mailLink(message: CaughtMail, path: string): URL {
  const pattern = new RegExp(`https?://[^\\s"'<>]*/${path}(?:[?#][^\\s"'<>]*)?`)
  const raw = pattern.exec(message.text)?.[0] ?? pattern.exec(message.html)?.[0]
  if (!raw) throw new Error(`no /${path} link in the mail "${message.subject}":\n${message.text}`)
  return new URL(raw.replaceAll('&amp;', '&'))
}

/** The token of the link to `path` in `message`, from the `#token=…` fragment. */
export function linkToken(message: CaughtMail, path: string): string {
  const link = mailLink(message, path)
  const token = new URLSearchParams(link.hash.slice(1)).get('token')
  if (!token) throw new Error(`the /${path} link carries no #token=…: ${link.href}`)
  return token
}

/** The `.eml` files in `dir` (the outbox) with their bytes; none when the directory does not exist yet. */
async function outboxFiles(dir: string): Promise<Map<string, Buffer>> {
  let names: string[]
  try {
    names = (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
    throw err
  }
  return new Map(await Promise.all(names.map(async (f) => [f, await readFile(join(dir, f))] as const)))
}

/** The messages in the outbox `dir`, parsed, oldest file name first. */
export async function outboxMessages(dir: string): Promise<CaughtMail[]> {
  const files = await outboxFiles(dir)
  return Promise.all([...files.values()].map(async (bytes) => toCaught(await simpleParser(bytes))))
}

/**
 * Polls the outbox `dir` until a message to `address` is there (and no longer growing: the
 * app may be writing it), or fails after `timeoutMs`.
 */
export async function nextOutboxMessageTo(
  dir: string,
  address: string,
  { timeoutMs = MAIL_TIMEOUT_MS } = {},
): Promise<CaughtMail> {
  const deadline = Date.now() + timeoutMs
  let previous = new Map<string, Buffer>()
  for (;;) {
    const files = await outboxFiles(dir)
    for (const [name, bytes] of files) {
      if (!previous.get(name)?.equals(bytes)) continue // new or still being written: look again
      const message = toCaught(await simpleParser(bytes))
      if (isFor(message, address)) return message
    }
    if (Date.now() > deadline) {
      throw new Error(`no .eml file for ${address} in ${dir} within ${timeoutMs} ms (${files.size} files there)`)
    }
    previous = files
    await sleep(50)
  }
}

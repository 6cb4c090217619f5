/**
 * Outgoing mail. With SMTP_URL, nodemailer sends it; without, each message is written to
 * DATA_DIR/outbox as an .eml file (the log says which), so development needs no mail server.
 * Sending happens in the background: a response never waits for (or reveals) delivery.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type { Logger } from 'pino'

export type Mail = {
  to: string
  subject: string
  text: string
  html: string
  /** The one link the message exists for. Never logged: its token opens the account. */
  link: string
}

export type Mailer = {
  /** Queues `mail` for delivery and returns at once; failures are logged. */
  send(mail: Mail): void
  /** Resolves when every queued message has been delivered or has failed. */
  idle(): Promise<void>
  close(): Promise<void>
}

export function createMailer(options: { smtpUrl?: string; from: string; outboxDir: string; log: Logger }): Mailer {
  const log = options.log.child({ component: 'mail' })
  const deliver = options.smtpUrl
    ? smtpDelivery(options.smtpUrl, options.from)
    : outboxDelivery(options.outboxDir, options.from, log)
  const pending = new Set<Promise<void>>()

  return {
    send(mail) {
      const delivery = deliver
        .send(mail)
        .catch((err: unknown) => log.error({ err, subject: mail.subject }, 'mail delivery failed'))
        .finally(() => pending.delete(delivery))
      pending.add(delivery)
    },
    async idle() {
      while (pending.size > 0) await Promise.all(pending)
    },
    async close() {
      await this.idle()
      deliver.close()
    },
  }
}

type Delivery = { send(mail: Mail): Promise<void>; close(): void }

function smtpDelivery(url: string, from: string): Delivery {
  const transport = nodemailer.createTransport(url)
  return {
    async send({ to, subject, text, html }) {
      await transport.sendMail({ from, to, subject, text, html })
    },
    close: () => transport.close(),
  }
}

function outboxDelivery(dir: string, from: string, log: Logger): Delivery {
  // The same message SMTP would carry, as an .eml file any mail client opens.
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    async send({ to, subject, text, html }) {
      const { message } = await composer.sendMail({ from, to, subject, text, html })
      await mkdir(dir, { recursive: true, mode: 0o700 })
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`)
      await writeFile(file, message as Buffer, { mode: 0o600 })
      // Where, not what: the link's token (and the address) stay in the file, readable by its owner only.
      log.info({ subject, file }, 'mail written to the outbox (SMTP_URL is not set; `npm run outbox` prints its link)')
    },
    close: () => composer.close(),
  }
}

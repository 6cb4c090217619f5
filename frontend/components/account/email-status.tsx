import { ResendVerification } from '@/components/auth/resend-verification'
import type { User } from '@/lib/types'

/** The address, whether it is verified, and a new link when it is not. */
export function EmailStatus({ user }: { user: User }) {
  return (
    <>
      <span className="mr-2">{user.email}</span>
      {user.email_verified ? (
        <Badge tone="ok">Verified</Badge>
      ) : (
        <>
          <Badge tone="warn">Not verified</Badge>
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            Open the link we emailed you to verify this address. It lets you reset your password if you forget it.
          </p>
          <ResendVerification email={user.email} className="mt-3" />
        </>
      )}
    </>
  )
}

const TONES = {
  ok: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-200',
  warn: 'bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-200',
  neutral: 'bg-indigo-50 text-indigo-800 ring-indigo-600/20 dark:bg-indigo-950 dark:text-indigo-200',
}

export function Badge({ tone, children }: { tone: keyof typeof TONES; children: string }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  )
}

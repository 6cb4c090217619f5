'use client'

import { useRouter } from 'next/navigation'
import { type ReactNode, useState } from 'react'
import { useAuth, useRequireUser } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import type { User } from '@/lib/types'

export default function AccountPage() {
  const { signOut } = useAuth()
  const router = useRouter()
  // While signing out we show the last user we had, *without* useRequireUser mounted: otherwise
  // it would see "signed-out" first and send us to /signin?next=/account instead of /signin.
  const [leaving, setLeaving] = useState<User | null>(null)

  async function handleSignOut(user: User) {
    setLeaving(user)
    try {
      await signOut()
    } catch {
      // signOut has already forgotten the session in this tab; nothing else to do here.
    }
    router.replace('/signin')
  }

  if (leaving) return <AccountDetails user={leaving} signingOut />
  return <ProtectedAccount onSignOut={handleSignOut} />
}

function ProtectedAccount({ onSignOut }: { onSignOut: (user: User) => void }) {
  const user = useRequireUser()
  if (!user) {
    return (
      <p role="status" className="mx-auto max-w-xl pt-2 text-slate-500 sm:pt-10 dark:text-slate-400">
        Loading your account…
      </p>
    )
  }
  return <AccountDetails user={user} onSignOut={() => onSignOut(user)} />
}

function AccountDetails({
  user,
  signingOut = false,
  onSignOut,
}: {
  user: User
  signingOut?: boolean
  onSignOut?: () => void
}) {
  return (
    <div className="mx-auto w-full max-w-xl pt-2 sm:pt-10">
      <h1 className="text-2xl font-semibold tracking-tight">Account</h1>

      <section
        aria-labelledby="profile-heading"
        className="mt-6 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-7 dark:border-slate-800 dark:bg-slate-900"
      >
        <h2 id="profile-heading" className="text-base font-semibold">
          Profile
        </h2>
        <dl className="mt-3 divide-y divide-slate-200 dark:divide-slate-800">
          <Row term="Name">{user.name}</Row>
          <Row term="Email">{user.email}</Row>
          <Row term="Member since">
            <time dateTime={user.created_at}>{formatDate(user.created_at)}</time>
          </Row>
        </dl>
      </section>

      <section
        aria-labelledby="session-heading"
        className="mt-6 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:flex sm:items-center sm:justify-between sm:gap-6 sm:p-7 dark:border-slate-800 dark:bg-slate-900"
      >
        <div>
          <h2 id="session-heading" className="text-base font-semibold">
            Sign out
          </h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Ends your session on this device.</p>
        </div>
        <Button
          variant="secondary"
          pending={signingOut}
          onClick={onSignOut}
          className="mt-4 w-full shrink-0 sm:mt-0 sm:w-auto"
        >
          {signingOut ? 'Signing out…' : 'Sign out'}
        </Button>
      </section>
    </div>
  )
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="py-3 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm font-medium text-slate-500 dark:text-slate-400">{term}</dt>
      <dd className="mt-1 break-words sm:col-span-2 sm:mt-0">{children}</dd>
    </div>
  )
}

function formatDate(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(undefined, { dateStyle: 'long' }).format(date)
}

'use client'

import { useRouter } from 'next/navigation'
import { type ReactNode, useReducer, useState } from 'react'
import { DeleteAccount } from '@/components/account/delete-account'
import { EmailStatus } from '@/components/account/email-status'
import { NameForm } from '@/components/account/name-form'
import { Passkeys } from '@/components/account/passkeys'
import { PasswordForm } from '@/components/account/password-form'
import { AccountSection } from '@/components/account/section'
import { SecurityActivity } from '@/components/account/security-activity'
import { Sessions } from '@/components/account/sessions'
import { Time } from '@/components/account/time'
import { TwoFactor } from '@/components/account/two-factor'
import { useAuth, useRequireUser } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import type { User } from '@/lib/types'

type Leaving = { user: User; because: 'signing-out' | 'deleted' }

export function AccountScreen() {
  const { signOut, forgetSession } = useAuth()
  const router = useRouter()
  // While leaving we keep showing the last user we had and do our own redirect: the usual one
  // would see "signed-out" first and send us to /signin?next=/account instead.
  const [leaving, setLeaving] = useState<Leaving | null>(null)
  const current = useRequireUser(leaving !== null)
  const user = leaving?.user ?? current

  async function handleSignOut(user: User) {
    setLeaving({ user, because: 'signing-out' })
    try {
      await signOut()
    } catch {
      // signOut has already forgotten the session in this tab; nothing else to do here.
    }
    router.replace('/signin')
  }

  function handleDeleted(user: User) {
    setLeaving({ user, because: 'deleted' })
    forgetSession('account_deleted') // the API has ended the session and cleared its cookie
    router.replace('/signin?deleted=1')
  }

  if (leaving?.because === 'deleted') {
    return (
      <p role="status" className="mx-auto max-w-xl pt-2 sm:pt-10">
        Your account has been deleted.
      </p>
    )
  }
  if (!user) {
    return (
      <p role="status" className="mx-auto max-w-xl pt-2 text-slate-500 sm:pt-10 dark:text-slate-400">
        Loading your account…
      </p>
    )
  }
  return (
    <AccountDetails
      user={user}
      signingOut={leaving !== null}
      onSignOut={() => handleSignOut(user)}
      onDeleted={() => handleDeleted(user)}
    />
  )
}

function AccountDetails({
  user,
  signingOut,
  onSignOut,
  onDeleted,
}: {
  user: User
  signingOut: boolean
  onSignOut(): void
  onDeleted(): void
}) {
  // Bumped by anything that changes sessions or adds to the security log, so those lists reload.
  const [changes, noteChange] = useReducer((n: number) => n + 1, 0)
  return (
    <div className="mx-auto w-full max-w-xl pt-2 sm:pt-10">
      <h1 className="text-2xl font-semibold tracking-tight">Account</h1>

      <AccountSection id="profile" title="Profile">
        <dl className="-mt-1 divide-y divide-slate-200 dark:divide-slate-800">
          <Row term="Name">{user.name}</Row>
          <Row term="Email">
            <EmailStatus user={user} />
          </Row>
          <Row term="Member since">
            <Time iso={user.created_at} format="date" />
          </Row>
        </dl>
      </AccountSection>

      <AccountSection id="name" title="Change your name" description="How Taskwell greets you.">
        <NameForm user={user} onChange={noteChange} />
      </AccountSection>

      <AccountSection id="password" title="Change your password" description="Your other devices will be signed out.">
        <PasswordForm onChange={noteChange} />
      </AccountSection>

      <AccountSection
        id="two-factor"
        title="Two-factor authentication"
        description="A code from an app on your phone after your password."
      >
        <TwoFactor refreshKey={changes} onChange={noteChange} />
      </AccountSection>

      <AccountSection
        id="passkeys"
        title="Passkeys"
        description="Sign in with your fingerprint, face or screen lock: no password, no code."
      >
        <Passkeys refreshKey={changes} onChange={noteChange} />
      </AccountSection>

      <AccountSection id="sessions" title="Sessions" description="Where your account is signed in.">
        <Sessions refreshKey={changes} onChange={noteChange} />
      </AccountSection>

      <AccountSection
        id="activity"
        title="Recent security activity"
        description="If something here wasn’t you, change your password."
      >
        <SecurityActivity refreshKey={changes} />
      </AccountSection>

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

      <AccountSection
        id="delete"
        title="Delete account"
        description="Deletes your account and all your tasks. This cannot be undone."
        danger
      >
        <DeleteAccount onDeleted={onDeleted} />
      </AccountSection>
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

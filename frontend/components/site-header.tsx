'use client'

import Link from 'next/link'
import { usePathname, useRouter } from 'next/navigation'
import { useState } from 'react'
import { useAuth } from './auth-provider'

const navLink =
  'inline-flex min-h-11 items-center rounded-md px-2 hover:bg-slate-100 aria-[current=page]:font-semibold aria-[current=page]:text-indigo-700 dark:hover:bg-slate-800 dark:aria-[current=page]:text-indigo-300'

export function SiteHeader() {
  const { user, status, signOut } = useAuth()
  const router = useRouter()
  const pathname = usePathname()
  /** The header link of the page shown is marked for assistive technology (and looks current). */
  const current = (href: string) =>
    pathname === href || pathname.startsWith(`${href}/`) ? ('page' as const) : undefined
  const [leaving, setLeaving] = useState(false)

  async function handleSignOut() {
    setLeaving(true)
    try {
      await signOut()
    } finally {
      setLeaving(false)
      router.replace('/signin')
    }
  }

  return (
    <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-900/80">
      <nav aria-label="Main" className="mx-auto flex max-w-3xl items-center justify-between gap-3 px-4 py-3 sm:px-6">
        <Link
          href={user ? '/tasks' : '/'}
          className="inline-flex min-h-11 items-center text-lg font-semibold tracking-tight text-indigo-600 dark:text-indigo-400"
        >
          Taskwell
        </Link>
        {status === 'signed-in' && user ? (
          <div className="flex items-center gap-1 text-sm sm:gap-3">
            <Link href="/tasks" aria-current={current('/tasks')} className={navLink}>
              Tasks
            </Link>
            <Link href="/account" aria-current={current('/account')} className={navLink}>
              Account
            </Link>
            <button
              type="button"
              onClick={handleSignOut}
              disabled={leaving}
              className="inline-flex min-h-11 items-center whitespace-nowrap rounded-md px-2 text-slate-600 hover:bg-slate-100 disabled:opacity-50 dark:text-slate-300 dark:hover:bg-slate-800"
            >
              {leaving ? 'Signing out…' : 'Sign out'}
            </button>
          </div>
        ) : status === 'signed-out' ? (
          <div className="flex items-center gap-1 text-sm sm:gap-3">
            <Link href="/signin" aria-current={current('/signin')} className={navLink}>
              Sign in
            </Link>
            <Link
              href="/signup"
              aria-current={current('/signup')}
              className="inline-flex min-h-11 items-center rounded-md bg-indigo-600 px-3 font-medium text-white hover:bg-indigo-500"
            >
              Sign up
            </Link>
          </div>
        ) : null}
      </nav>
    </header>
  )
}

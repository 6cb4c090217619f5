'use client'

import Link from 'next/link'
import { useSearchParams } from 'next/navigation'
import { type ReactNode, Suspense } from 'react'
import { safeNext } from '@/lib/safe-next'
import { linkClass } from './auth-card'
import { withNext } from './use-after-auth'

/** A link between /signin and /signup that keeps a safe `?next=` on the way. */
export function SwitchAuthLink({ to, children }: { to: '/signin' | '/signup'; children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <Link href={to} className={linkClass}>
          {children}
        </Link>
      }
    >
      <LinkWithNext to={to}>{children}</LinkWithNext>
    </Suspense>
  )
}

function LinkWithNext({ to, children }: { to: '/signin' | '/signup'; children: ReactNode }) {
  const next = safeNext(useSearchParams().get('next'))
  return (
    <Link href={withNext(to, next)} className={linkClass}>
      {children}
    </Link>
  )
}

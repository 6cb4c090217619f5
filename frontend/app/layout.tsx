import type { Metadata, Viewport } from 'next'
import type { ReactNode } from 'react'
import { AuthProvider } from '@/components/auth-provider'
import { LiveSyncProvider } from '@/components/live-sync/live-sync-provider'
import { SiteHeader } from '@/components/site-header'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Taskwell', template: '%s · Taskwell' },
  description: 'Your tasks, and only yours.',
}

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#0b1120' },
  ],
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <AuthProvider>
          <LiveSyncProvider>
            <SiteHeader />
            <main className="mx-auto w-full max-w-3xl px-4 pt-6 pb-16 sm:px-6">{children}</main>
          </LiveSyncProvider>
        </AuthProvider>
      </body>
    </html>
  )
}

import type { Metadata } from 'next'
import { AccountScreen } from '@/components/account/account-screen'

export const metadata: Metadata = { title: 'Account' }

/** A server component for its metadata; the screen itself runs in the browser. */
export default function AccountPage() {
  return <AccountScreen />
}

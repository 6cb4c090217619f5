import type { Metadata } from 'next'
import { VerifyEmailScreen } from '@/components/auth/verify-email-screen'

export const metadata: Metadata = { title: 'Verify your email' }

/** A server component for its metadata; the screen itself runs in the browser. */
export default function VerifyEmailPage() {
  return <VerifyEmailScreen />
}

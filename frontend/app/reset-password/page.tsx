import type { Metadata } from 'next'
import { ResetPasswordScreen } from '@/components/auth/reset-password-screen'

export const metadata: Metadata = { title: 'Choose a new password' }

/** A server component for its metadata; the screen itself runs in the browser. */
export default function ResetPasswordPage() {
  return <ResetPasswordScreen />
}

import type { Metadata } from 'next'
import { ForgotPasswordScreen } from '@/components/auth/forgot-password-screen'

export const metadata: Metadata = { title: 'Forgot your password' }

/** A server component for its metadata; the screen itself runs in the browser. */
export default function ForgotPasswordPage() {
  return <ForgotPasswordScreen />
}

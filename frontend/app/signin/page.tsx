import type { Metadata } from 'next'
import { SignInScreen } from '@/components/auth/sign-in-screen'

export const metadata: Metadata = { title: 'Sign in' }

/** A server component for its metadata; the screen itself runs in the browser. */
export default function SignInPage() {
  return <SignInScreen />
}

import type { Metadata } from 'next'
import { SignUpScreen } from '@/components/auth/sign-up-screen'

export const metadata: Metadata = { title: 'Create your account' }

/** A server component for its metadata; the screen itself runs in the browser. */
export default function SignUpPage() {
  return <SignUpScreen />
}

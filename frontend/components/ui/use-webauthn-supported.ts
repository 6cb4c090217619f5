'use client'

import { useSyncExternalStore } from 'react'
import { webAuthnSupported } from '@/lib/webauthn'

const noSubscription = () => () => {}

/** Whether this browser can use passkeys; false while rendering on the server (the page then hydrates without a mismatch). */
export function useWebAuthnSupported(): boolean {
  return useSyncExternalStore(noSubscription, webAuthnSupported, () => false)
}

'use client'

/**
 * The account page's "Passkeys" section (API.md "Passkeys"): the list (name, when added and
 * last used, synced or on one device), renaming, deleting (sessions stay signed in), adding.
 */
import { useRef, useState } from 'react'
import { Button } from '@/components/ui/button'
import { FormStatus } from '@/components/ui/form-status'
import { NotLoaded } from '@/components/ui/not-loaded'
import { useLoaded } from '@/components/ui/use-loaded'
import { useWebAuthnSupported } from '@/components/ui/use-webauthn-supported'
import { listPasskeys } from '@/lib/passkeys'
import type { Passkey } from '@/lib/types'
import { AddPasskeyForm } from './add-passkey-form'
import { PasskeyItem } from './passkey-item'

export function Passkeys({ refreshKey, onChange }: { refreshKey: number; onChange(): void }) {
  const supported = useWebAuthnSupported()
  const { data: items, error, setData: setItems, reload } = useLoaded(listPasskeys, [refreshKey])
  const [adding, setAdding] = useState(false)
  const [status, setStatus] = useState<string>()
  const statusBox = useRef<HTMLDivElement>(null)
  const addButton = useRef<HTMLButtonElement>(null)

  /** Says what happened, and takes the focus there (the control that was used has gone). */
  function announce(message: string) {
    setStatus(message)
    requestAnimationFrame(() => statusBox.current?.focus())
  }

  function changed(passkey: Passkey) {
    setItems((list) => list?.map((p) => (p.id === passkey.id ? passkey : p)) ?? null)
    setStatus(undefined)
    onChange()
  }

  function deleted(passkey: Passkey) {
    setItems((list) => list?.filter((p) => p.id !== passkey.id) ?? null)
    announce(`Deleted “${passkey.name}”. It no longer signs you in; your sessions stay signed in.`)
    onChange()
  }

  return (
    <div className="space-y-4">
      <div ref={statusBox} tabIndex={-1} className="outline-none">
        <FormStatus message={status} />
      </div>
      {items === null ? (
        <NotLoaded error={error} reload={reload} loading="Loading passkeys…" />
      ) : items.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No passkeys yet.</p>
      ) : (
        <ul aria-label="Your passkeys" className="divide-y divide-slate-200 dark:divide-slate-800">
          {items.map((passkey) => (
            <PasskeyItem
              key={passkey.id}
              passkey={passkey}
              onStart={() => setStatus(undefined)}
              onRenamed={changed}
              onDeleted={deleted}
            />
          ))}
        </ul>
      )}
      {!supported ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          This browser cannot make passkeys. Add one from a browser that can, such as a recent Chrome, Safari, Edge or
          Firefox; you can still rename and delete passkeys here.
        </p>
      ) : adding ? (
        <div className="rounded-xl border border-slate-200 p-4 sm:p-5 dark:border-slate-800">
          <AddPasskeyForm
            onAdded={(passkey) => {
              setItems((list) => [passkey, ...(list ?? [])])
              setAdding(false)
              announce(`Added “${passkey.name}”. You can sign in with it now.`)
              onChange()
            }}
            onCancel={() => {
              setAdding(false)
              requestAnimationFrame(() => addButton.current?.focus())
            }}
          />
        </div>
      ) : (
        <Button
          ref={addButton}
          variant="secondary"
          onClick={() => {
            setStatus(undefined)
            setAdding(true)
          }}
          className="w-full sm:w-auto"
        >
          Add a passkey
        </Button>
      )}
    </div>
  )
}

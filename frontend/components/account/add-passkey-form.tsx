'use client'

/**
 * Adding a passkey: the password (a stolen session must not add a way in), a name, then the
 * browser's own prompt. A closed prompt is not an error: the form stays, saying so calmly.
 */
import { type FormEvent, useState } from 'react'
import { CurrentPasswordField } from '@/components/auth/password-field'
import { Button } from '@/components/ui/button'
import { Field } from '@/components/ui/field'
import { FormAlert } from '@/components/ui/form-alert'
import { FormStatus } from '@/components/ui/form-status'
import { useApiForm } from '@/components/ui/use-api-form'
import { useFocusOnMount } from '@/components/ui/use-focus-on-mount'
import { ApiError } from '@/lib/api'
import { PASSKEY_NAME_MAX_LENGTH } from '@/lib/api/limits'
import { addPasskey } from '@/lib/passkeys'
import type { Passkey } from '@/lib/types'
import { alreadyRegistered, wasCancelled } from '@/lib/webauthn'

const FIELDS = ['password', 'name'] as const

export const PASSKEY_CREATION_CANCELLED = 'Passkey creation was cancelled. Nothing was added.'
const ALREADY_ON_THIS_DEVICE = 'This device already holds a passkey for your account. You can use that one.'
const NOT_CHECKED = 'Taskwell could not check the passkey your browser made. Try again, or use another device.'
const BROWSER_REFUSED = 'Your browser could not create a passkey here. Try another browser or device.'

export function AddPasskeyForm({ onAdded, onCancel }: { onAdded(passkey: Passkey): void; onCancel(): void }) {
  const { form, errors, alert, pending, submit, showErrors, setAlert, onInput } = useApiForm(FIELDS)
  useFocusOnMount(() => form.current?.elements.namedItem('password') as HTMLElement | null)
  const [password, setPassword] = useState('')
  const [name, setName] = useState('Passkey')
  const [note, setNote] = useState<string>()

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    setNote(undefined)
    const missing = {
      password: password ? undefined : 'Enter your password',
      name: name.trim() ? undefined : 'Give the passkey a name',
    }
    if (missing.password || missing.name) return showErrors(missing)
    let added: Passkey | undefined
    let refused: unknown // what the browser threw, if it did
    await submit(
      async () => {
        try {
          added = await addPasskey(password, name.trim())
        } catch (err) {
          if (err instanceof ApiError) throw err // the form shows it
          refused = err
        }
      },
      (err) => {
        // The browser's answer did not pass the API's checks (API.md: 422 on `credential`).
        if (err.status !== 422 || !err.errors.some((e) => e.field === 'credential')) return false
        setAlert(NOT_CHECKED)
        return true
      },
    )
    if (added) onAdded(added)
    else if (refused === undefined) return
    else if (wasCancelled(refused)) setNote(PASSKEY_CREATION_CANCELLED)
    else setAlert(alreadyRegistered(refused) ? ALREADY_ON_THIS_DEVICE : BROWSER_REFUSED)
  }

  return (
    <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-4" aria-labelledby="add-passkey-heading">
      <h3 id="add-passkey-heading" className="text-base font-semibold">
        Add a passkey
      </h3>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        Your browser will ask you to make a passkey with your fingerprint, face, screen lock or a security key. It signs
        you in without your password or a code.
      </p>
      <FormAlert message={alert} />
      <CurrentPasswordField value={password} onChange={onInput('password', setPassword)} error={errors.password} />
      <Field
        label="Name"
        name="name"
        maxLength={PASSKEY_NAME_MAX_LENGTH}
        autoComplete="off"
        hint="To tell your passkeys apart, like “Work laptop” or “Phone”."
        required
        value={name}
        onChange={onInput('name', setName)}
        error={errors.name}
      />
      <FormStatus message={note} tone="neutral" />
      <div className="flex flex-col gap-3 sm:flex-row">
        <Button type="submit" pending={pending} className="w-full sm:w-auto">
          {pending ? 'Waiting for your browser…' : 'Create passkey'}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={pending} className="w-full sm:w-auto">
          Cancel
        </Button>
      </div>
    </form>
  )
}

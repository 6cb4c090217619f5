'use client'

/** One passkey of the list, with renaming and deleting in place. */
import { type FormEvent, useId, useRef, useState } from 'react'
import { Button } from '@/components/ui/button'
import { Field } from '@/components/ui/field'
import { FormAlert } from '@/components/ui/form-alert'
import { useApiForm } from '@/components/ui/use-api-form'
import { useFocusOnMount } from '@/components/ui/use-focus-on-mount'
import { errorMessage } from '@/lib/api'
import { PASSKEY_NAME_MAX_LENGTH } from '@/lib/api/limits'
import { deletePasskey, renamePasskey } from '@/lib/passkeys'
import type { Passkey } from '@/lib/types'
import { Badge } from './email-status'
import { Time } from './time'

type Mode = 'view' | 'rename' | 'delete'

export function PasskeyItem({
  passkey,
  onStart,
  onRenamed,
  onDeleted,
}: {
  passkey: Passkey
  /** Renaming or deleting begins (the section's last message no longer applies). */
  onStart(): void
  onRenamed(passkey: Passkey): void
  onDeleted(passkey: Passkey): void
}) {
  const [mode, setMode] = useState<Mode>('view')
  const start = (next: Mode) => {
    onStart()
    setMode(next)
  }
  const [returned, setReturned] = useState(false)
  const detailsId = useId()
  const close = () => {
    setReturned(true)
    setMode('view')
  }

  return (
    <li className="py-3">
      {mode === 'rename' ? (
        <RenameForm
          passkey={passkey}
          onRenamed={(renamed) => {
            onRenamed(renamed)
            close()
          }}
          onCancel={close}
        />
      ) : (
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0">
            <p className="flex flex-wrap items-center gap-2 font-medium break-words">
              <span className="min-w-0 break-words">{passkey.name}</span>
              <Badge tone="neutral">{passkey.backup_eligible ? 'Synced' : 'On one device'}</Badge>
            </p>
            <p id={detailsId} className="mt-1 text-sm text-slate-600 dark:text-slate-400">
              <span className="block">
                Added <Time iso={passkey.created_at} format="date" />
              </span>
              <span className="block">
                {passkey.last_used_at ? (
                  <>
                    Last used <Time iso={passkey.last_used_at} />
                  </>
                ) : (
                  'Never used'
                )}
              </span>
              <span className="block">
                {passkey.backup_eligible
                  ? 'Synced to your other devices by your password manager or platform account.'
                  : 'Stays on the one device or security key that made it.'}
              </span>
            </p>
          </div>
          {mode === 'view' ? <Actions passkey={passkey} detailsId={detailsId} focus={returned} onMode={start} /> : null}
        </div>
      )}
      {mode === 'delete' ? <ConfirmDelete passkey={passkey} onDeleted={onDeleted} onCancel={close} /> : null}
    </li>
  )
}

function Actions({
  passkey,
  detailsId,
  focus,
  onMode,
}: {
  passkey: Passkey
  detailsId: string
  /** Back from renaming or deleting: the focus returns to "Rename". */
  focus: boolean
  onMode(mode: Mode): void
}) {
  const rename = useRef<HTMLButtonElement>(null)
  useFocusOnMount(() => rename.current, focus)
  return (
    <div className="flex shrink-0 gap-2">
      <Button
        ref={rename}
        variant="secondary"
        onClick={() => onMode('rename')}
        aria-label={`Rename ${passkey.name}`}
        aria-describedby={detailsId}
        className="flex-1 sm:flex-none"
      >
        Rename
      </Button>
      <Button
        variant="secondary"
        onClick={() => onMode('delete')}
        aria-label={`Delete ${passkey.name}`}
        aria-describedby={detailsId}
        className="flex-1 sm:flex-none"
      >
        Delete
      </Button>
    </div>
  )
}

function RenameForm({
  passkey,
  onRenamed,
  onCancel,
}: {
  passkey: Passkey
  onRenamed(passkey: Passkey): void
  onCancel(): void
}) {
  const { form, errors, alert, pending, submit, showErrors, onInput } = useApiForm(['name'] as const)
  useFocusOnMount(() => form.current?.elements.namedItem('name') as HTMLElement | null)
  const [name, setName] = useState(passkey.name)

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (!name.trim()) return showErrors({ name: 'Give the passkey a name' })
    let renamed: Passkey | undefined
    await submit(async () => {
      renamed = await renamePasskey(passkey.id, name.trim())
    })
    if (renamed) onRenamed(renamed)
  }

  return (
    <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-3">
      <FormAlert message={alert} />
      <Field
        label={`New name for ${passkey.name}`}
        name="name"
        maxLength={PASSKEY_NAME_MAX_LENGTH}
        autoComplete="off"
        required
        value={name}
        onChange={onInput('name', setName)}
        error={errors.name}
      />
      <div className="flex gap-2">
        <Button type="submit" pending={pending} className="flex-1 sm:flex-none">
          {pending ? 'Saving…' : 'Save name'}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={pending} className="flex-1 sm:flex-none">
          Cancel
        </Button>
      </div>
    </form>
  )
}

function ConfirmDelete({
  passkey,
  onDeleted,
  onCancel,
}: {
  passkey: Passkey
  onDeleted(passkey: Passkey): void
  onCancel(): void
}) {
  const question = useRef<HTMLParagraphElement>(null)
  useFocusOnMount(() => question.current)
  const [pending, setPending] = useState(false)
  const [alert, setAlert] = useState<string>()

  async function handleDelete() {
    setPending(true)
    setAlert(undefined)
    try {
      await deletePasskey(passkey.id)
      onDeleted(passkey)
    } catch (err) {
      setAlert(errorMessage(err))
      setPending(false)
    }
  }

  return (
    <div className="mt-3 space-y-3 rounded-lg border border-red-200 bg-red-50/60 p-3 dark:border-red-900 dark:bg-red-950/40">
      <p ref={question} tabIndex={-1} className="text-sm text-slate-800 outline-none dark:text-slate-200">
        <strong className="font-semibold">Delete “{passkey.name}”?</strong> It will no longer sign you in. Your sessions
        stay signed in, this one included: to end them, use Sessions below.
      </p>
      <FormAlert message={alert} />
      <div className="flex gap-2">
        <Button variant="danger" pending={pending} onClick={handleDelete} className="flex-1 sm:flex-none">
          {pending ? 'Deleting…' : 'Delete passkey'}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={pending} className="flex-1 sm:flex-none">
          Cancel
        </Button>
      </div>
    </div>
  )
}

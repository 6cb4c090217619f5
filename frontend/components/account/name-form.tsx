'use client'

import { type FormEvent, useState } from 'react'
import { useAuth } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import { Field } from '@/components/ui/field'
import { FormAlert } from '@/components/ui/form-alert'
import { FormStatus } from '@/components/ui/form-status'
import { useApiForm } from '@/components/ui/use-api-form'
import { updateName } from '@/lib/account'
import type { User } from '@/lib/types'

export function NameForm({ user, onChange }: { user: User; onChange(): void }) {
  const { replaceUser } = useAuth()
  const { form, errors, alert, success, pending, submit, showErrors, clearError, setSuccess } = useApiForm([
    'name',
  ] as const)
  const [name, setName] = useState(user.name)

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (!name.trim()) return showErrors({ name: 'Enter a name' })
    const saved = await submit(async () => {
      const updated = await updateName(name)
      replaceUser(updated)
      setName(updated.name)
    })
    if (saved) {
      setSuccess('Name saved.')
      onChange()
    }
  }

  return (
    <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-4">
      <FormAlert message={alert} />
      <Field
        label="Name"
        name="name"
        autoComplete="name"
        required
        value={name}
        onChange={(e) => {
          setName(e.target.value)
          clearError('name')
          setSuccess(undefined)
        }}
        error={errors.name}
      />
      <FormStatus message={success} />
      <Button type="submit" pending={pending} className="w-full sm:w-auto">
        {pending ? 'Saving…' : 'Save name'}
      </Button>
    </form>
  )
}

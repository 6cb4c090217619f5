'use client'

/** The email Field of the sign-in and sign-up forms: required, no autocapitalising or spellcheck. */
import type { ComponentProps } from 'react'
import { Field } from '@/components/ui/field'

type EmailFieldProps = Omit<ComponentProps<typeof Field>, 'label' | 'name' | 'type'>

export function EmailField(props: EmailFieldProps) {
  return (
    <Field
      label="Email"
      name="email"
      type="email"
      autoComplete="email"
      autoCapitalize="none"
      spellCheck={false}
      required
      {...props}
    />
  )
}

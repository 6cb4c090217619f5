'use client'

/**
 * A password Field with a show/hide toggle. The toggle is a real button after the input in
 * tab order, named for what it does ("Show password"/"Hide password"); the password is hidden
 * again on submit so password managers see a password field.
 */
import { type ComponentProps, useEffect, useRef, useState } from 'react'
import { Field } from '@/components/ui/field'

type PasswordFieldProps = Omit<ComponentProps<typeof Field>, 'type'>

export function PasswordField(props: PasswordFieldProps) {
  const [visible, setVisible] = useState(false)
  const wrapper = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const form = wrapper.current?.closest('form')
    if (!form) return
    const hide = () => setVisible(false)
    form.addEventListener('submit', hide)
    return () => form.removeEventListener('submit', hide)
  }, [])

  return (
    <div ref={wrapper} className="relative">
      <Field
        {...props}
        type={visible ? 'text' : 'password'}
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
      />
      <button
        type="button"
        onClick={() => setVisible((v) => !v)}
        aria-label={visible ? 'Hide password' : 'Show password'}
        className="absolute -top-1 right-0 rounded-md px-2 py-1 text-sm font-medium text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
      >
        {visible ? 'Hide' : 'Show'}
      </button>
    </div>
  )
}

/** The account's password, asked for again (sign-in, confirming an action): what password managers fill in. */
export function CurrentPasswordField(props: Omit<PasswordFieldProps, 'label' | 'name' | 'autoComplete' | 'required'>) {
  return <PasswordField label="Password" name="password" autoComplete="current-password" required {...props} />
}

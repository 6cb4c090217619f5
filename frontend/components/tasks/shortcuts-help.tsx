'use client'

/** The "?" dialog: every keyboard shortcut of the task list. Escape or Close shuts it. */
import type { RefObject } from 'react'
import { Button } from '@/components/ui/button'
import { SHORTCUTS } from './use-shortcuts'

export function ShortcutsHelp({ dialogRef }: { dialogRef: RefObject<HTMLDialogElement | null> }) {
  return (
    <dialog
      ref={dialogRef}
      aria-labelledby="shortcuts-title"
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <h2 id="shortcuts-title" className="text-lg font-semibold">
        Keyboard shortcuts
      </h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">They work when you are not typing in a field.</p>
      <dl className="mt-4 space-y-2 text-sm">
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.does} className="flex items-center justify-between gap-4">
            <dt className="flex gap-1">
              {shortcut.keys.map((key) => (
                <kbd
                  key={key}
                  className="min-w-7 rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 text-center font-mono text-xs dark:border-slate-600 dark:bg-slate-800"
                >
                  {key}
                </kbd>
              ))}
            </dt>
            <dd className="text-right text-slate-700 dark:text-slate-300">{shortcut.does}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog" className="mt-5 flex justify-end">
        <Button type="submit" className="min-h-11">
          Close
        </Button>
      </form>
    </dialog>
  )
}

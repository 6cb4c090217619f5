import type { Metadata } from 'next'
import { TaskEditor } from '@/components/tasks/task-editor'
import { safeTasksHref } from '@/lib/task-query'

export const metadata: Metadata = { title: 'Edit task' }

type Props = {
  params: Promise<{ id: string }>
  searchParams: Promise<Record<string, string | string[] | undefined>>
}

/** Edit one task. `?from=` carries the list's filters so Save and Cancel go back to the same view. */
export default async function EditTaskPage({ params, searchParams }: Props) {
  const { id } = await params
  const { from } = await searchParams
  return <TaskEditor id={id} backHref={safeTasksHref(typeof from === 'string' ? from : null)} />
}

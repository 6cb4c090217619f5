import type { Metadata } from 'next'
import { Suspense } from 'react'
import { TasksPageSkeleton } from '@/components/tasks/task-skeleton'
import { TasksScreen } from '@/components/tasks/tasks-screen'

export const metadata: Metadata = { title: 'Tasks' }

/** The filters live in the query string, which is only known in the browser: hence Suspense. */
export default function TasksPage() {
  return (
    <Suspense fallback={<TasksPageSkeleton />}>
      <TasksScreen />
    </Suspense>
  )
}

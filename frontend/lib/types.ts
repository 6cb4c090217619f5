/** Wire shapes from API.md (the back end's zod schemas are the source of truth). */
export type User = { id: string; email: string; name: string; created_at: string }

export type AuthResult = { user: User; token: string; expires_at: string; session_token: string }

export type Priority = 'low' | 'medium' | 'high'

export type Task = {
  id: string
  user_id: string
  title: string
  description: string
  completed: boolean
  priority: Priority
  tags: string[]
  due_at: string | null
  completed_at: string | null
  created_at: string
  updated_at: string
}

export type TaskList = { items: Task[]; next_cursor: string | null }

export type TaskInput = {
  title: string
  description?: string
  priority?: Priority
  tags?: string[]
  due_at?: string | null
}

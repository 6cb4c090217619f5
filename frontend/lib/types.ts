/** Wire shapes from API.md (the back end's zod schemas are the source of truth). */
export type User = { id: string; email: string; name: string; email_verified: boolean; created_at: string }

export type AuthResult = { user: User; token: string; expires_at: string; session_token: string }

/** Sign-up's answer when REQUIRE_EMAIL_VERIFICATION is on: no credentials until the link is opened. */
export type VerificationPending = { user: User; verification_required: true }

export type SignUpResult = AuthResult | VerificationPending

/** One of the signed-in user's sessions (decision 009, GET /api/me/sessions). */
export type Session = {
  id: string
  current: boolean
  user_agent: string | null
  ip_address: string | null
  created_at: string
  last_used_at: string
  expires_at: string
}

export type SecurityAction =
  | 'signed_up'
  | 'signed_in'
  | 'signed_out'
  | 'email_verified'
  | 'verification_email_sent'
  | 'password_reset_requested'
  | 'password_reset'
  | 'password_changed'
  | 'name_changed'
  | 'session_revoked'
  | 'other_sessions_revoked'
  | 'account_deleted'

/** An entry of the account's security log (GET /api/me/events). */
export type SecurityEvent = {
  id: string
  action: SecurityAction
  ip_address: string | null
  user_agent: string | null
  created_at: string
}

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

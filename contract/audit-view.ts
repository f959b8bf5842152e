// The audit log as the console reads it (issue 28): one declaration for the merchant function and the console.

export interface AuditView {
  /** ms */
  at: number
  action: string
  /** who did it, by name (never an openid) */
  by: string
  /** the entry as a sentence in Chinese about titles and amounts */
  text: string
  /** a picture the action put up, for a thumbnail */
  image?: string
  /** what it acted on, for the CLI and exports: a person is named, never an openid */
  target: string
  reason?: string
}

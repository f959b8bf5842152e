// Card codes are bearer secrets (a cashier accepts whoever shows one), so logs carry only their last 4 characters.
export function maskCode(code: string | undefined): string {
  if (!code) return ''
  return code.length <= 4 ? '*'.repeat(code.length) : `${'*'.repeat(code.length - 4)}${code.slice(-4)}`
}

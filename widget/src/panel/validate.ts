/**
 * Form checks, in line with what the server accepts (channels/widget/socket-handlers:
 * phone /^\+?[0-9 .()-]{8,20}$/, e-mail per zod), so the visitor hears about a typo
 * before sending rather than from a rejected ack.
 */
export function validPhone(value: string): boolean {
  const v = value.trim();
  if (!/^\+?[0-9 .()-]{8,20}$/.test(v)) return false;
  const digits = v.replace(/\D/g, '').length;
  return digits >= 8 && digits <= 15;
}

export function validEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*\.[A-Za-z]{2,}$/.test(value.trim()) && value.trim().length <= 200;
}

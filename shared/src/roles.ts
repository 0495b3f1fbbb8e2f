/** The four jobs of the MeViS protocol (paper §3.1); a user may hold several. */
export const ROLES = ['admin', 'annotator', 'validator', 'speaker'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

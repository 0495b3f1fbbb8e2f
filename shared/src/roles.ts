/**
 * The four jobs of the MeViS protocol (paper §3.1), and `participant`: someone outside the team who
 * enters a benchmark challenge (issue 16) and sees nothing of the annotation work. A user may hold
 * several.
 */
export const ROLES = ['admin', 'annotator', 'validator', 'speaker', 'participant'] as const;
export type Role = (typeof ROLES)[number];

/** The roles that work on the dataset itself: they may watch curated videos with their masks. */
export const STAFF_ROLES = ['admin', 'annotator', 'validator', 'speaker'] as const satisfies readonly Role[];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

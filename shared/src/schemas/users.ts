import { z } from 'zod';
import { ROLES } from '../roles.ts';

export const UsernameSchema = z
  .string()
  .trim()
  .min(2, 'username must have at least 2 characters')
  .max(40, 'username must have at most 40 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'username may use lower-case letters, digits, ".", "_" and "-"');

export const RoleSchema = z.enum(ROLES);
export const RolesSchema = z
  .array(RoleSchema)
  .min(1, 'a user needs at least one role')
  .transform((roles) => [...new Set(roles)].sort());

/** Password strength rules are enforced on the server (server/src/auth/password.ts). */
export const PasswordSchema = z.string().min(1, 'password is required').max(256);

export const LoginInput = z.object({ username: z.string().trim().min(1).max(100), password: PasswordSchema });

/**
 * Requests that set a password carry it (generated in the admin's browser, shown before sending)
 * and a request id: a retry after a lost answer sends both again and gets the first outcome.
 */
export const CreateUserInput = z.object({
  requestId: z.uuid(),
  username: UsernameSchema,
  roles: RolesSchema,
  password: PasswordSchema,
});

export const ResetPasswordInput = z.object({ requestId: z.uuid(), userId: z.number().int().positive(), password: PasswordSchema });

/** A signed-in user changes their own password (auth.changePassword); strength is checked on the server. */
export const ChangePasswordInput = z.object({ currentPassword: PasswordSchema, newPassword: PasswordSchema });

export const UserIdInput = z.object({ userId: z.number().int().positive() });

export const SessionUser = z.object({
  id: z.number().int(),
  username: z.string(),
  roles: z.array(RoleSchema),
});
export type SessionUser = z.infer<typeof SessionUser>;

/**
 * Attacks on the admin cockpit's procedures (issue 17): the first-run checklist, one expression with
 * its answers, editing roles, and changing one's own password.
 */
import { check, checkRefused, type Attack } from '../lib/types.ts';

const OTHERS = ['annotator', 'validator1', 'speaker'] as const;

export const attacks: Attack[] = [
  {
    name: 'cockpit: every other role calls the checklist, an expression\'s answers, and "edit roles" on themselves',
    async run(ctx) {
      const before = ctx.fingerprint();
      for (const who of OTHERS) {
        const me = ctx.seed.accounts[who].id;
        const calls: [string, unknown][] = [
          ['admin.checklist', undefined],
          // A validator asking for the answer of a sample it may be handed next.
          ['admin.expressions.get', { expressionId: ctx.seed.pendingExpressionIds[0] }],
          ['admin.expressions.get', { expressionId: ctx.seed.goldExpressionId }],
          // Privilege escalation: giving oneself the admin role.
          ['admin.users.setRoles', { userId: me, roles: ['admin'] }],
          ['admin.users.setRoles', { userId: ctx.seed.accounts.admin.id, roles: ['annotator'] }],
        ];
        for (const [p, input] of calls) checkRefused(await ctx.call(who, p, input), `${who} ${p}`, { code: 'FORBIDDEN' });
      }
      check(ctx.fingerprint() === before, 'a forbidden cockpit call wrote something');
    },
  },
  {
    name: 'cockpit: an admin removes their own admin role, gives roles that do not exist, or edits users that do not exist',
    async run(ctx) {
      const before = ctx.fingerprint();
      const admin = ctx.seed.accounts.admin.id;
      const refused: [unknown, string | string[], RegExp?][] = [
        [{ userId: admin, roles: ['annotator'] }, 'BAD_REQUEST', /own admin role/],
        [{ userId: admin, roles: [] }, 'BAD_REQUEST', /at least one role/],
        [{ userId: ctx.seed.accounts.annotator.id, roles: ['root'] }, 'BAD_REQUEST'],
        [{ userId: ctx.seed.accounts.annotator.id, roles: 'admin' }, 'BAD_REQUEST'],
        [{ userId: 987_654, roles: ['annotator'] }, 'NOT_FOUND', /user 987654 not found/],
        [{ userId: 0, roles: ['annotator'] }, 'BAD_REQUEST'],
        // Past a 32-bit column: PostgreSQL's "out of range" and SQLite's "no such row", never an internal error.
        [{ userId: 2 ** 31, roles: ['annotator'] }, ['BAD_REQUEST', 'NOT_FOUND']],
      ];
      for (const [input, code, message] of refused) {
        checkRefused(await ctx.call('admin', 'admin.users.setRoles', input), `setRoles ${JSON.stringify(input).slice(0, 80)}`, { code, message });
      }
      check(ctx.fingerprint() === before, 'a refused role edit wrote something');
    },
  },
  {
    name: 'cockpit: expression ids that do not exist or are not ids',
    async run(ctx) {
      const before = ctx.fingerprint();
      checkRefused(await ctx.call('admin', 'admin.expressions.get', { expressionId: 987_654 }), 'a missing expression', { code: 'NOT_FOUND', message: /expression 987654 not found/ });
      for (const expressionId of [0, -1, 1.5, '1', null, 2 ** 53]) {
        checkRefused(await ctx.call('admin', 'admin.expressions.get', { expressionId }), `expression id ${String(expressionId)}`, { code: ['BAD_REQUEST', 'NOT_FOUND'] });
      }
      check(ctx.fingerprint() === before, 'reading expressions wrote something');
    },
  },
  {
    name: 'cockpit: guessing the current password through "change password", weak and huge new passwords, anonymous',
    timeoutMs: 90_000,
    async run(ctx) {
      const victim = await ctx.newAccount(['speaker']);
      const before = ctx.fingerprint();
      const change = (currentPassword: unknown, newPassword: unknown = 'a new passphrase for this') => ctx.call(victim, 'auth.changePassword', { currentPassword, newPassword });
      checkRefused(await ctx.call(null, 'auth.changePassword', { currentPassword: victim.password, newPassword: 'a new passphrase for this' }), 'anonymous', { code: 'UNAUTHORIZED' });
      // Refused before any hashing (and not counted as guesses).
      checkRefused(await change(victim.password, 'short'), 'a weak new password', { code: 'BAD_REQUEST', message: /at least 10/ });
      checkRefused(await change(victim.password, 'x'.repeat(10_000)), 'a huge new password', { code: 'BAD_REQUEST' });
      checkRefused(await change('y'.repeat(10_000)), 'a huge current password', { code: 'BAD_REQUEST' });
      checkRefused(await change(victim.password, victim.password), 'the same password', { code: 'BAD_REQUEST' });
      // Five wrong guesses are checked; the sixth waits, and so does the right password then.
      for (let i = 0; i < 5; i++) checkRefused(await change(`guess number ${i} 0123`), `guess ${i}`, { code: 'BAD_REQUEST', message: /current password is wrong/ });
      checkRefused(await change('guess number 6 0123'), 'the sixth guess', { code: 'TOO_MANY_REQUESTS', message: /try again in/ });
      checkRefused(await change(victim.password), 'the right password during the backoff', { code: 'TOO_MANY_REQUESTS' });
      // Nothing changed: no password, no session ended, nothing audited.
      const still = await ctx.call(victim, 'record.profile.get');
      check(still.status === 200, `the victim's session ended after refused changes (${still.status})`);
      check(ctx.fingerprint() === before, 'refused password changes wrote something');
    },
  },
];

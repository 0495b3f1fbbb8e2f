/**
 * Attacks on taking a person's answers out of the next round (admin.quality.exclude and its
 * preview and list, issue 18): non-admins voiding a rival's answers or reading who was excluded,
 * ids that name nobody or the wrong person, an admin excluding themselves, malformed input, and
 * an exclusion that would leave someone without any role. Each is refused and writes nothing.
 */
import { check, checkRefused, type Attack } from '../lib/types.ts';

const PREVIEW = 'admin.quality.exclusionPreview';
const EXCLUDE = 'admin.quality.exclude';
const LIST = 'admin.quality.exclusions';

export const attacks: Attack[] = [
  {
    name: 'raters: every other role and anonymous callers take a rival validator\'s answers out, preview it, or list exclusions',
    async run(ctx) {
      const before = ctx.fingerprint();
      const rival = { userId: ctx.seed.accounts.validator2.id, role: 'validator' };
      for (const who of ['annotator', 'annotator2', 'validator1', 'speaker'] as const) {
        checkRefused(await ctx.call(who, EXCLUDE, rival), `${who} ${EXCLUDE}`, { code: 'FORBIDDEN' });
        checkRefused(await ctx.call(who, EXCLUDE, { ...rival, removeRole: true }), `${who} ${EXCLUDE} with removeRole`, { code: 'FORBIDDEN' });
        checkRefused(await ctx.call(who, PREVIEW, rival), `${who} ${PREVIEW}`, { code: 'FORBIDDEN' });
        checkRefused(await ctx.call(who, LIST), `${who} ${LIST}`, { code: 'FORBIDDEN' });
      }
      // A validator excluding themselves (to shed a bad score) is no better.
      checkRefused(await ctx.call('validator1', EXCLUDE, { userId: ctx.seed.accounts.validator1.id, role: 'validator' }), 'validator1 excluding self', { code: 'FORBIDDEN' });
      checkRefused(await ctx.call(null, EXCLUDE, rival), 'anonymous exclude', { code: 'UNAUTHORIZED' });
      checkRefused(await ctx.call(null, LIST), 'anonymous list', { code: 'UNAUTHORIZED' });
      check(ctx.fingerprint() === before, 'a refused exclusion wrote something');
    },
  },
  {
    name: 'raters: an admin names nobody, the wrong person, themselves, or sends malformed input',
    async run(ctx) {
      const before = ctx.fingerprint();
      const a = ctx.seed.accounts;
      const refused: [unknown, string | string[], RegExp?][] = [
        [{ userId: 987_654_321, role: 'validator' }, 'NOT_FOUND', /not found/],
        [{ userId: a.admin.id, role: 'validator' }, 'BAD_REQUEST', /your own/],
        // A speaker neither validates nor wrote anything: nothing of theirs to take out.
        [{ userId: a.speaker.id, role: 'validator' }, 'BAD_REQUEST', /not a validator/],
        [{ userId: a.speaker.id, role: 'annotator' }, 'BAD_REQUEST', /not an annotator/],
        // Taking the only role away would leave an account nobody can use: refused before any write.
        [{ userId: a.validator3.id, role: 'validator', removeRole: true }, 'BAD_REQUEST', /only role/],
        [{ userId: a.validator3.id, role: 'admin' }, 'BAD_REQUEST'],
        [{ userId: a.validator3.id, role: 'speaker' }, 'BAD_REQUEST'],
        [{ userId: 0, role: 'validator' }, 'BAD_REQUEST'],
        [{ userId: -1, role: 'validator' }, 'BAD_REQUEST'],
        [{ userId: 1.5, role: 'validator' }, 'BAD_REQUEST'],
        [{ userId: String(a.validator3.id), role: 'validator' }, 'BAD_REQUEST'],
        [{ userId: Number.MAX_SAFE_INTEGER + 2, role: 'validator' }, 'BAD_REQUEST'],
        [{ userId: `${a.validator3.id} or 1=1`, role: 'validator' }, 'BAD_REQUEST'],
        [{ userId: [a.validator3.id, a.validator2.id], role: 'validator' }, 'BAD_REQUEST'],
        [{ userId: a.validator3.id, role: 'validator', note: 'x'.repeat(501) }, 'BAD_REQUEST'],
        [{ userId: a.validator3.id, role: 'validator', removeRole: 'yes' }, 'BAD_REQUEST'],
        [{ userId: a.validator3.id, role: 'validator', actorId: a.validator1.id }, 'BAD_REQUEST'],
        [{ role: 'validator' }, 'BAD_REQUEST'],
        ['everyone', 'BAD_REQUEST'],
      ];
      for (const [input, code, message] of refused) {
        checkRefused(await ctx.call('admin', EXCLUDE, input), `exclude ${JSON.stringify(input).slice(0, 80)}`, { code, message });
      }
      for (const input of [{ userId: 987_654_321, role: 'validator' }, { userId: a.admin.id, role: 'annotator' }, { userId: a.validator3.id, role: 'validator', note: '' }]) {
        checkRefused(await ctx.call('admin', PREVIEW, input), `preview ${JSON.stringify(input)}`, { code: ['NOT_FOUND', 'BAD_REQUEST'] });
      }
      // The honest preview is a read: it answers and writes nothing.
      const preview = await ctx.call<{ username: string; canRemoveRole: boolean }>('admin', PREVIEW, { userId: a.annotator2.id, role: 'validator' });
      check(preview.status === 200 && preview.data?.username === 'annotator2' && preview.data.canRemoveRole, `an admin's preview failed: ${preview.status} ${preview.text.slice(0, 200)}`);
      check(ctx.fingerprint() === before, 'a refused exclusion or a preview wrote something');
    },
  },
];

/**
 * Attacks on the datasheet text (admin.datasheet.get / update, issue 18): other roles reading or
 * rewriting what every release's README will say (its licence, its citation), and an admin's
 * oversize, malformed or hidden-character text that would otherwise land in every release.
 */
import { DEFAULT_DATASHEET } from '../../shared/src/schemas/datasheet.ts';
import { check, checkRefused, type Attack } from '../lib/types.ts';

const GET = 'admin.datasheet.get';
const UPDATE = 'admin.datasheet.update';

const valid = { ...DEFAULT_DATASHEET, motivation: 'why', licence: 'CC-BY-4.0' };

export const attacks: Attack[] = [
  {
    name: 'datasheet: every other role and anonymous callers read the text or rewrite the licence and citation',
    async run(ctx) {
      const before = ctx.fingerprint();
      for (const who of ['annotator', 'validator1', 'speaker'] as const) {
        checkRefused(await ctx.call(who, GET), `${who} ${GET}`, { code: 'FORBIDDEN' });
        checkRefused(await ctx.call(who, UPDATE, { ...valid, licence: 'CC0-1.0', citation: '@misc{mine}' }), `${who} ${UPDATE}`, { code: 'FORBIDDEN' });
      }
      checkRefused(await ctx.call(null, UPDATE, valid), 'anonymous', { code: 'UNAUTHORIZED' });
      check(ctx.fingerprint() === before, 'a refused datasheet call wrote something');
    },
  },
  {
    name: 'datasheet: oversize sections and citations, control and bidi characters, licences not on the list, missing and extra fields',
    async run(ctx) {
      const before = ctx.fingerprint();
      const refused: [unknown, RegExp?][] = [
        [{ ...valid, uses: 'x'.repeat(4001) }, /at most 4000/],
        [{ ...valid, maintenance: 'é'.repeat(4001) }, /at most 4000/],
        [{ ...valid, citation: 'x'.repeat(8001) }, /at most 8000/],
        [{ ...valid, licenceOther: 'x'.repeat(201) }, /at most 200/],
        [{ ...valid, motivation: 'a\u0000b' }, /control characters/],
        [{ ...valid, distribution: 'free for all \u202e esu laicremmoc on' }, /control characters/],
        [{ ...valid, licence: 'MIT' }],
        [{ ...valid, licence: 'other', licenceOther: '   ' }, /name the licence/],
        [{ ...valid, uses: 42 }],
        [{ ...valid, secret: 'x' }],
        [{ motivation: 'only one field' }],
        ['everything'],
        [null],
      ];
      for (const [input, message] of refused) {
        checkRefused(await ctx.call('admin', UPDATE, input), `update ${JSON.stringify(input).slice(0, 80)}`, { code: 'BAD_REQUEST', message });
      }
      // A section past the JSON body limit: refused before tRPC (413) or by the schema, never stored.
      const huge = await ctx.call('admin', UPDATE, { ...valid, uses: 'x'.repeat(300_000) });
      if (huge.status !== 413) checkRefused(huge, 'a 300 000-character section', { code: 'BAD_REQUEST' });
      // Every section one character past its limit in characters of four UTF-8 bytes (the limits count characters): about 144 KB, under the body limit, refused by the schema.
      const wide = Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, k === 'licence' || k === 'licenceOther' ? v : '𝔁'.repeat(k === 'citation' ? 8001 : 4001)]));
      checkRefused(await ctx.call('admin', UPDATE, wide), 'sections of astral characters', { code: 'BAD_REQUEST' });
      check(ctx.fingerprint() === before, 'a refused datasheet update wrote something');
    },
  },
];

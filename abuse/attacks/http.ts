/** Attacks on the HTTP layer itself: body sizes, batching, malformed and hostile bodies. */
import { check, checkRefused, type Attack } from '../lib/types.ts';
import { toTrpcResult } from '../lib/http.ts';

const json = { 'content-type': 'application/json' };

export const attacks: Attack[] = [
  {
    name: 'http: 26 MiB body to an anonymous procedure',
    async run(ctx) {
      const before = ctx.fingerprint();
      const body = Buffer.alloc(26 * 1024 * 1024, 0x20);
      body.write('{"username":"admin","password":"', 0);
      const res = await ctx.raw({ method: 'POST', path: '/trpc/auth.login', headers: { ...json, 'x-forwarded-for': '198.51.100.1' }, body });
      check(res.status === 413, `expected 413 for a 26 MiB login body, got ${res.status} ${res.body.toString().slice(0, 200)}`);
      checkRefused(toTrpcResult(res), 'oversized login body');
      check(res.ms < 3000, `the refusal took ${res.ms.toFixed(0)} ms: the body was read`);
      check(ctx.fingerprint() === before, 'an oversized body changed the database');
    },
  },
  {
    name: 'http: 2 MiB chunked body without a length to a logged-in procedure',
    async run(ctx) {
      const before = ctx.fingerprint();
      const body = JSON.stringify({ expressionId: 1, answer: { kind: 'reject', reason: 'broken', note: 'x'.repeat(2 * 1024 * 1024) } });
      const res = await ctx.raw({ method: 'POST', path: '/trpc/validate.answer', headers: { ...json, 'transfer-encoding': 'chunked', cookie: ctx.seed.accounts.validator1.cookie }, body });
      check(res.status === 413, `expected 413, got ${res.status} ${res.body.toString().slice(0, 200)}`);
      check(ctx.fingerprint() === before, 'the oversized body changed the database');
    },
  },
  {
    name: 'http: oversized batches and uploads inside batches',
    async run(ctx) {
      const cookie = ctx.seed.accounts.admin.cookie;
      const eleven = Array(11).fill('auth.me').join(',');
      const big = await ctx.raw({ path: `/trpc/${eleven}?batch=1&input=${encodeURIComponent('{}')}`, headers: { cookie } });
      check(big.status === 400 && /at most 10/.test(big.body.toString()), `a batch of 11 got ${big.status}`);
      const ok = await ctx.raw({ path: `/trpc/auth.me,admin.overview?batch=1&input=${encodeURIComponent('{}')}`, headers: { cookie } });
      check(ok.status === 200, `an honest batch of 2 got ${ok.status}`);
      const upload = await ctx.raw({ method: 'POST', path: '/trpc/record.upload,record.upload?batch=1', headers: { 'content-type': 'multipart/form-data; boundary=x', 'x-studio-upload': '1', cookie: ctx.seed.accounts.speaker.cookie }, body: '--x--' });
      check(upload.status === 400 && /cannot be batched/.test(upload.body.toString()), `uploads in a batch got ${upload.status}`);
    },
  },
  {
    name: 'http: malformed percent-encoding in the procedure path',
    async run(ctx) {
      for (const path of ['/trpc/%E0%A4%A', '/trpc/auth.me,%ZZ?batch=1', '/trpc/%']) {
        const res = toTrpcResult(await ctx.raw({ path, headers: { cookie: ctx.seed.accounts.annotator.cookie } }));
        checkRefused(res, `GET ${path}`, { code: 'BAD_REQUEST' });
      }
    },
  },
  {
    name: 'http: malformed, deeply nested and hostile JSON',
    async run(ctx) {
      const before = ctx.fingerprint();
      const cookie = ctx.seed.accounts.annotator.cookie;
      const bodies = [
        '{"uid":',
        '\u0000\u0001',
        '['.repeat(200_000) + ']'.repeat(200_000),
        JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: { x: 1 } }, uid: 'x' }),
        JSON.stringify({ uid: '6d2f5a51-3f8c-4b8e-9a57-7a0c2d6c1e11', videoId: 1e308, targets: [1], text: 'a b c d' }),
        JSON.stringify({ uid: '6d2f5a51-3f8c-4b8e-9a57-7a0c2d6c1e11', videoId: 1, targets: Array(101).fill(1), text: 'x' }),
      ];
      for (const body of bodies) {
        const res = toTrpcResult(await ctx.raw({ method: 'POST', path: '/trpc/annotate.submit', headers: { ...json, cookie }, body }));
        checkRefused(res, `body ${JSON.stringify(body.slice(0, 40))}`);
      }
      check(ctx.fingerprint() === before, 'a malformed body changed the database');
    },
  },
];

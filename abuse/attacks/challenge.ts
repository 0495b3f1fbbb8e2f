/**
 * The challenge server (issue 16) under hostile participants: another team's results, the ground
 * truth through every download and URL, uploads over the limits, zip bombs and path traversal
 * inside zips, unknown challenge ids, and participants calling admin (and staff) procedures. Every
 * challenge procedure is called here by someone it must refuse.
 */
import http from 'node:http';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { submissionMembers, submissionZip } from '../../server/src/testing/challenge-submission.ts';
import { zipBytes } from '../../server/src/testing/zip-builder.ts';
import { check, checkRefused, type AbuseCtx, type Account, type Attack, type TrpcResult } from '../lib/types.ts';
import { toTrpcResult } from '../lib/http.ts';

const VERSION = 'chal-abuse';
const INVITE = 'abuse-invite-code-1';

interface World {
  challengeId: number;
  alice: Account;
  mallory: Account;
  aliceSubmission: number;
  splitDir: string;
  gtDir: string;
}

let world: Promise<World> | undefined;

const shape = (message: string | undefined) => (message ?? '').replace(/\d+/g, 'N');

async function settled(ctx: AbuseCtx, who: Account, submissionId: number): Promise<{ state: string; check: { groups: { kind: string }[] } | null }> {
  const end = Date.now() + 60_000;
  for (;;) {
    const r = await ctx.call<{ state: string; check: { groups: { kind: string }[] } | null }>(who, 'challenge.submission', { submissionId });
    check(r.status === 200, `reading submission ${submissionId}: ${r.status} ${r.text.slice(0, 200)}`);
    if (!['queued', 'checking', 'scoring'].includes(r.data!.state)) return r.data!;
    check(Date.now() < end, `submission ${submissionId} still ${r.data!.state} after 60 s`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

const uploadPath = (id: number) => `/media/challenges/${id}/submissions`;

async function upload(ctx: AbuseCtx, who: Account, challengeId: number, body: Uint8Array, headers: Record<string, string> = {}): Promise<TrpcResult<{ submissionId: number }>> {
  return toTrpcResult(await ctx.raw({ method: 'POST', path: uploadPath(challengeId), headers: { cookie: who.cookie, 'content-type': 'application/zip', 'x-studio-upload': '1', ...headers }, body }));
}

/**
 * Once per run: a release written beside the server with the seeded video in its valid split (chosen
 * with `videos split` before its first release: three videos are too few for the quotas to reach valid), a
 * challenge on it (limits small enough to reach), two participants with a team each, and one
 * scored submission of Alice's team. Done before the first attack's fingerprint.
 */
function setup(ctx: AbuseCtx): Promise<World> {
  world ??= (async () => {
    const chose = await ctx.cli(['videos', 'split', 'abuse-video', '--to', 'valid']);
    check(chose.code === 0, `setup: choosing the split failed: ${chose.stderr.slice(-300)}`);
    const releaseDir = path.join(ctx.dataDir, 'releases', VERSION);
    const exp = await ctx.cli(['export', '--out', releaseDir, '--version', VERSION]);
    check(exp.code === 0, `setup: export failed: ${exp.stderr.slice(-300)}`);
    const now = Date.now();
    const created = await ctx.call<{ id: number }>('admin', 'challenge.admin.create', {
      title: 'abuse challenge',
      releaseVersion: VERSION,
      split: 'valid',
      phases: [{ phase: 'development', opensAt: now - 3600_000, closesAt: now + 24 * 3600_000 }],
      maxPerDay: 4,
      maxTotal: 2,
      maxUploadMb: 1,
      leaderboardPublic: false,
      rankBy: 'combined',
      pick: 'best',
      inviteCode: INVITE,
    });
    check(created.status === 200, `setup: challenge not created: ${created.text.slice(0, 300)}`);
    const challengeId = created.data!.id;
    const alice = await ctx.newAccount(['participant']);
    const mallory = await ctx.newAccount(['participant']);
    for (const [who, name] of [[alice, 'Alice team'], [mallory, 'Mallory team']] as const) {
      const t = await ctx.call(who, 'challenge.createTeam', { challengeId, name });
      check(t.status === 200, `setup: team not created: ${t.text.slice(0, 200)}`);
    }
    const splitDir = path.join(releaseDir, 'valid');
    // The CLI writes DATA_DIR/releases/<v>'s ground truth where the server looks: DATA_DIR/ground-truth/<v>.
    const gtDir = path.join(ctx.dataDir, 'ground-truth', VERSION, 'valid');
    check(existsSync(path.join(gtDir, 'mask_dict.json')), `setup: the ground truth is not in ${gtDir}`);
    check(!existsSync(path.join(releaseDir, 'ground_truth')), 'setup: the public release holds ground_truth/');
    const up = await upload(ctx, alice, challengeId, submissionZip(splitDir, gtDir, 'perfect'));
    check(up.status === 200, `setup: Alice's upload refused: ${up.text.slice(0, 300)}`);
    const s = await settled(ctx, alice, up.data!.submissionId);
    check(s.state === 'scored', `setup: Alice's perfect submission ended ${s.state}`);
    return { challengeId, alice, mallory, aliceSubmission: up.data!.submissionId, splitDir, gtDir };
  })();
  return world;
}

/** An upload that sends its headers and part of its body, then waits (a slow client). */
function slowUpload(ctx: AbuseCtx, who: Account, challengeId: number, total: number) {
  const req = http.request({ host: '127.0.0.1', port: ctx.port, method: 'POST', path: uploadPath(challengeId), headers: { cookie: who.cookie, 'content-type': 'application/zip', 'x-studio-upload': '1', 'content-length': String(total) } });
  const answer = new Promise<number>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', () => resolve(0));
  });
  req.write(Buffer.alloc(Math.floor(total / 2)));
  return { answer, finish: () => req.end(Buffer.alloc(total - Math.floor(total / 2))) };
}

export const attacks: Attack[] = [
  {
    name: "challenge: another team's submissions, history, leaderboard and join code",
    timeoutMs: 180_000,
    async run(ctx) {
      const w = await setup(ctx);
      const before = ctx.fingerprint();
      const theirs = await ctx.call(w.mallory, 'challenge.submission', { submissionId: w.aliceSubmission });
      const none = await ctx.call(w.mallory, 'challenge.submission', { submissionId: 987_654 });
      checkRefused(theirs, "Mallory reading Alice's submission", { code: 'NOT_FOUND' });
      checkRefused(none, 'Mallory reading a submission that does not exist', { code: 'NOT_FOUND' });
      check(shape(theirs.error?.message) === shape(none.error?.message), `another team's submission is told apart from a missing one ("${theirs.error?.message}" / "${none.error?.message}")`);
      for (const who of ['annotator', 'validator1', 'speaker'] as const) {
        checkRefused(await ctx.call(who, 'challenge.submission', { submissionId: w.aliceSubmission }), `${who} reading a submission`, { code: 'FORBIDDEN' });
      }
      const history = await ctx.call<unknown[]>(w.mallory, 'challenge.submissions', { challengeId: w.challengeId });
      check(history.status === 200 && history.data!.length === 0, `Mallory's history shows other teams' submissions: ${history.text.slice(0, 200)}`);
      check(!history.text.includes('Alice team'), "Mallory's history names Alice's team");
      // The leaderboard is not public: participants and strangers learn nothing from it.
      for (const who of [w.mallory, null]) {
        checkRefused(await ctx.call(who, 'challenge.leaderboard', { challengeId: w.challengeId, phase: 'development' }), 'a hidden leaderboard', { code: 'NOT_FOUND' });
      }
      const join = await ctx.call(w.mallory, 'challenge.joinTeam', { challengeId: w.challengeId, joinCode: 'guessed-join-code' });
      checkRefused(join, 'joining a team with a guessed code', { code: ['NOT_FOUND', 'CONFLICT'] });
      const second = await ctx.call(w.mallory, 'challenge.createTeam', { challengeId: w.challengeId, name: 'Second team' });
      checkRefused(second, 'a second team for one participant', { code: 'CONFLICT' });
      check(ctx.fingerprint() === before, 'reading or joining another team wrote something');
    },
  },
  {
    name: 'challenge: ground truth through the downloads, media routes and staff procedures',
    async run(ctx) {
      const w = await setup(ctx);
      const before = ctx.fingerprint();
      for (const part of ['split', 'release']) {
        const res = await ctx.raw({ path: `/media/challenges/${w.challengeId}/${part}.tar`, headers: { cookie: w.mallory.cookie } });
        check(res.status === 200, `${part}.tar: ${res.status}`);
        const names = [...res.body.toString('latin1').matchAll(/chal-abuse\/[^\0]+/g)].map((m) => m[0]);
        check(names.length > 0, `${part}.tar holds no files`);
        const leaked = names.filter((n) => /ground.truth|\/valid\/mask_dict|tracking\/valid/.test(n));
        check(leaked.length === 0, `${part}.tar carries ground truth: ${leaked.slice(0, 3).join(', ')}`);
      }
      const paths = [
        `/media/challenges/${w.challengeId}/ground_truth/valid/mask_dict.json`,
        `/media/challenges/${w.challengeId}/..%2f..%2freleases/${VERSION}.tar`,
        `/media/challenges/${w.challengeId}/../../releases/${VERSION}.tar`,
        `/media/releases/${VERSION}.tar`,
        `/media/ground-truth/${VERSION}.tar`,
        `/media/ground-truth/..%2freleases/${VERSION}.tar`,
        `/media/challenges/${w.challengeId}/ground-truth.tar`,
        `/media/frames/${ctx.seed.videoId}/0`,
        `/media/challenges/987654/split.tar`,
      ];
      for (const p of paths) {
        const res = await ctx.raw({ path: p, headers: { cookie: w.mallory.cookie } });
        check(res.status === 400 || res.status === 404, `a participant got ${res.status} for ${p}`);
      }
      // The masks of every curated video are the withheld split's ground truth.
      for (const p of ['videos.get', 'videos.masks']) checkRefused(await ctx.call(w.mallory, p, { videoId: ctx.seed.videoId }), `a participant calling ${p}`, { code: 'FORBIDDEN' });
      for (const p of ['annotate.nextVideo', 'validate.next', 'admin.releases.list']) checkRefused(await ctx.call(w.mallory, p), `a participant calling ${p}`, { code: 'FORBIDDEN' });
      // Staff who are not participants do not see challenges at all.
      const staff = await ctx.raw({ path: `/media/challenges/${w.challengeId}/split.tar`, headers: { cookie: ctx.seed.accounts.annotator.cookie } });
      check(staff.status === 404, `an annotator downloaded the challenge split (${staff.status})`);
      check(ctx.fingerprint() === before, 'a download wrote something');
    },
  },
  {
    name: 'challenge: zip bombs and path traversal inside a submission zip',
    timeoutMs: 120_000,
    async run(ctx) {
      const w = await setup(ctx);
      const members = submissionMembers(w.splitDir, w.gtDir, 'empty');
      // 40 MB of zeros deflate to ~40 KB (kept small: the runner's honest saver shares this thread).
      const zeros = new Uint8Array(40 * 1024 * 1024);
      const hostile = [
        // Declared honestly: over the 16 MiB member limit, never inflated.
        { name: members[0]!.name, data: zeros },
        // The same bomb declaring 100 bytes: inflation stops at the declared size.
        { name: members[1]!.name, data: zeros, declaredSize: 100 },
        ...members.slice(2),
        { name: '../../../escape.png', data: members[0]!.data },
        { name: '/tmp/abs.png', data: members[0]!.data },
        { name: 'C:/win.png', data: members[0]!.data },
      ];
      const res = await upload(ctx, w.mallory, w.challengeId, zipBytes(hostile));
      check(res.status === 200, `the hostile zip was not taken for checking: ${res.text.slice(0, 200)}`);
      const s = await settled(ctx, w.mallory, res.data!.submissionId);
      check(s.state === 'invalid', `the hostile zip ended ${s.state}`);
      const kinds = s.check!.groups.map((g) => g.kind);
      for (const k of ['unsafe-path', 'oversized-member', 'undecodable-png']) check(kinds.includes(k), `the check did not report ${k} (got ${kinds.join(', ')})`);
      for (const p of [path.join(ctx.dataDir, 'escape.png'), path.join(path.dirname(ctx.dataDir), 'escape.png'), '/tmp/abs.png']) check(!existsSync(p), `${p} was written`);
      const left = readdirSync(path.join(ctx.dataDir, 'challenges', 'incoming'));
      check(left.length === 0, `partial uploads left behind: ${left.join(', ')}`);
    },
  },
  {
    name: 'challenge: uploads over the size, in-flight and daily limits are refused and not stored',
    timeoutMs: 120_000,
    async run(ctx) {
      const w = await setup(ctx);
      const before = ctx.fingerprint();
      const declared = await upload(ctx, w.mallory, w.challengeId, Buffer.alloc(16), { 'content-length': String(2 ** 31) });
      checkRefused(declared, 'an upload declaring 2 GiB', { code: 'PAYLOAD_TOO_LARGE' });
      // A body that declares nothing (chunked) and runs past the limit is cut while it arrives.
      const chunked = await upload(ctx, w.mallory, w.challengeId, Buffer.alloc(3 * 1024 * 1024));
      checkRefused(chunked, 'a 3 MiB chunked upload', { code: 'PAYLOAD_TOO_LARGE' });
      checkRefused(await upload(ctx, w.mallory, w.challengeId, Buffer.from('zip'), { 'x-studio-upload': '' }), 'an upload without the page header (CSRF)', { code: 'FORBIDDEN' });
      checkRefused(await upload(ctx, w.mallory, w.challengeId, Buffer.from('zip'), { 'sec-fetch-site': 'cross-site' }), 'a cross-site upload', { code: 'FORBIDDEN' });
      checkRefused(await upload(ctx, ctx.seed.accounts.admin, w.challengeId, Buffer.from('zip')), 'an admin uploading', { code: 'FORBIDDEN' });
      checkRefused(await upload(ctx, ctx.seed.accounts.annotator, w.challengeId, Buffer.from('zip')), 'an annotator uploading', { code: ['FORBIDDEN', 'NOT_FOUND'] });
      checkRefused(await upload(ctx, w.mallory, 987_654, Buffer.from('zip')), 'an upload to an unknown challenge', { code: 'NOT_FOUND' });
      checkRefused(toTrpcResult(await ctx.raw({ method: 'GET', path: uploadPath(w.challengeId), headers: { cookie: w.mallory.cookie } })), 'GET on the upload route', { code: 'METHOD_NOT_SUPPORTED' });
      check(ctx.fingerprint() === before, 'a refused upload wrote something');
      check(readdirSync(path.join(ctx.dataDir, 'challenges', 'incoming')).length === 0, 'a refused upload left a file behind');

      // Two uploads of one team at once: the second is refused while the first streams.
      const slow = slowUpload(ctx, w.mallory, w.challengeId, 64 * 1024);
      await new Promise((r) => setTimeout(r, 300));
      checkRefused(await upload(ctx, w.mallory, w.challengeId, Buffer.from('zip')), 'a second upload while one streams', { code: 'CONFLICT' });
      slow.finish();
      check((await slow.answer) === 200, 'the first upload was not taken');
      // Every upload counts against the day (4): the bomb, this one, two more, and then no more.
      for (let i = 0; i < 2; i++) {
        const last = (await ctx.call<{ id: number; state: string }[]>(w.mallory, 'challenge.submissions', { challengeId: w.challengeId })).data!;
        await settled(ctx, w.mallory, last[0]!.id);
        const r = await upload(ctx, w.mallory, w.challengeId, Buffer.from('not a zip'));
        check(r.status === 200, `upload ${i + 3} of 4 refused: ${r.text.slice(0, 200)}`);
      }
      const last = (await ctx.call<{ id: number }[]>(w.mallory, 'challenge.submissions', { challengeId: w.challengeId })).data!;
      await settled(ctx, w.mallory, last[0]!.id);
      const full = ctx.fingerprint();
      const over = await upload(ctx, w.mallory, w.challengeId, Buffer.from('not a zip'));
      checkRefused(over, 'a fifth upload in one day', { code: 'TOO_MANY_REQUESTS', message: /last 24 hours/ });
      check(ctx.fingerprint() === full, 'the over-limit upload wrote something');
    },
  },
  {
    name: 'challenge: unknown challenge ids, bad invite codes, and participants calling admin procedures',
    async run(ctx) {
      const w = await setup(ctx);
      const before = ctx.fingerprint();
      const missing = 987_654;
      for (const [p, input] of [
        ['challenge.get', { challengeId: missing }],
        ['challenge.submissions', { challengeId: missing }],
        ['challenge.createTeam', { challengeId: missing, name: 'Ghost team' }],
        ['challenge.joinTeam', { challengeId: missing, joinCode: 'abcdefghij' }],
      ] as const) {
        checkRefused(await ctx.call(w.mallory, p, input), `${p} on an unknown challenge`, { code: 'NOT_FOUND' });
      }
      checkRefused(await ctx.call(null, 'challenge.leaderboard', { challengeId: missing, phase: 'final' }), 'the leaderboard of an unknown challenge', { code: 'NOT_FOUND' });
      // Staff without the participant role are refused by role, before the id is looked at.
      const a = await ctx.call('annotator', 'challenge.get', { challengeId: w.challengeId });
      check(a.status === 403, `an annotator reached challenge.get (${a.status})`);
      const adminCalls: [string, unknown][] = [
        ['challenge.admin.list', undefined],
        ['challenge.admin.create', { title: 'hijack', releaseVersion: VERSION, split: 'valid', phases: [{ phase: 'development', opensAt: 0, closesAt: 1 }], maxPerDay: 1000, maxTotal: 100000, maxUploadMb: 16384, leaderboardPublic: true, rankBy: 'combined', pick: 'best' }],
        ['challenge.admin.update', { challengeId: w.challengeId, maxPerDay: 1000, leaderboardPublic: true }],
        ['challenge.admin.submissions', { challengeId: w.challengeId }],
        ['admin.users.create', { requestId: crypto.randomUUID(), username: 'sneaky-admin', roles: ['admin'], password: 'a takeover password' }],
        ['admin.users.list', undefined],
      ];
      for (const [p, input] of adminCalls) checkRefused(await ctx.call(w.mallory, p, input), `a participant calling ${p}`, { code: 'FORBIDDEN' });
      for (const who of ['annotator', 'validator1', 'speaker'] as const) {
        for (const p of ['challenge.list', 'challenge.createTeam', 'challenge.joinTeam', 'challenge.submissions']) checkRefused(await ctx.call(who, p, { challengeId: w.challengeId, name: 'x team', joinCode: 'abcdefghij' }), `${who} calling ${p}`, { code: 'FORBIDDEN' });
      }
      // Self-registration: a wrong code creates nothing; a participant role is all a right one gives.
      const wrong = await ctx.call(null, 'challenge.register', { inviteCode: 'not-the-code', username: 'guesser', password: 'a guessing password' });
      checkRefused(wrong, 'registering with a wrong invite code', { code: 'BAD_REQUEST' });
      const batched = await ctx.raw({ method: 'POST', path: '/trpc/challenge.register,challenge.register?batch=1', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ 0: {}, 1: {} }) });
      check(batched.status === 400, `registration in a batch was not refused (${batched.status})`);
      check(ctx.fingerprint() === before, 'a refused call wrote something');
      const right = await ctx.call<{ user: { roles: string[] } }>(null, 'challenge.register', { inviteCode: INVITE.toUpperCase(), username: 'registered-abuse', password: 'a good long password', roles: ['admin'] });
      check(right.status === 200 && JSON.stringify(right.data!.user.roles) === '["participant"]', `registration gave ${right.text.slice(0, 200)}`);
    },
  },
];

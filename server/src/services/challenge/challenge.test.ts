import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import { eq } from 'drizzle-orm';
import { leaderboardCsv, rankTeams } from '#shared/challenge/ranking.ts';
import type { SessionUser } from '#shared/schemas/users.ts';
import { createSession, SESSION_COOKIE } from '../../auth/sessions.ts';
import { challengeSubmissions, challengeTeams, loginThrottle } from '../../db/schema/index.ts';
import { createAppServer } from '../../http/server.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../../testing/app.ts';
import { submissionMembers, submissionZip } from '../../testing/challenge-submission.ts';
import { addExpression, importVideo } from '../../testing/factories.ts';
import { zipBytes } from '../../testing/zip-builder.ts';
import { challengeDirs } from './release-files.ts';

const ALL_VALID = { train: 0, valid_u: 0, valid: 1, test: 0 };
const HOUR = 3600_000;

function request(port: number, opts: { method?: string; path: string; cookie?: string; headers?: Record<string, string>; body?: Buffer }) {
  return new Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { ...(opts.cookie ? { cookie: opts.cookie } : {}), ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function tarNames(body: Buffer): Promise<string[]> {
  const names: string[] = [];
  const extract = tar.extract();
  extract.on('entry', (h, stream, next) => {
    names.push(h.name);
    stream.resume();
    stream.on('end', next);
  });
  const done = new Promise((r) => extract.on('finish', r));
  extract.end(body);
  await done;
  return names;
}

describe('challenge server: open, register, upload, score, rank', () => {
  let app: TestApp;
  let server: http.Server;
  let port: number;
  let admin: SessionUser;
  let alice: SessionUser;
  let bob: SessionUser;
  let annotator: SessionUser;
  const cookies = new Map<number, string>();
  let challengeId: number;
  let splitDir: string;
  let gtDir: string;

  const cookieOf = async (u: SessionUser) => {
    if (!cookies.has(u.id)) cookies.set(u.id, `${SESSION_COOKIE}=${(await createSession(app.db, u.id, { idleMs: HOUR, maxMs: HOUR })).token}`);
    return cookies.get(u.id)!;
  };
  const upload = async (u: SessionUser, body: Buffer, id = challengeId, headers: Record<string, string> = { 'x-studio-upload': '1' }) => {
    const res = await request(port, { method: 'POST', path: `/media/challenges/${id}/submissions`, cookie: await cookieOf(u), headers: { 'content-type': 'application/zip', 'x-file-name': 'sub.zip', ...headers }, body });
    return { status: res.status, json: JSON.parse(res.body.toString()) as { result?: { data: { submissionId: number } }; error?: { message: string; data: { code: string } } } };
  };
  const settled = async (u: SessionUser, submissionId: number) => {
    for (;;) {
      const s = await callerFor(app, u).challenge.submission({ submissionId });
      if (!['queued', 'checking', 'scoring'].includes(s.state)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    app = await testApp();
    admin = await makeUser(app, 'boss', ['admin']);
    annotator = await makeUser(app, 'ann', ['annotator']);
    alice = await makeUser(app, 'alice', ['participant']);
    bob = await makeUser(app, 'bob', ['participant']);
    const bear = await importVideo(app, 'bear', 'accepted', 3);
    const cows = await importVideo(app, 'cows', 'accepted', 2);
    await addExpression(app, { videoId: bear, authorId: annotator.id, status: 'accepted', targets: [2], text: 'the bear walking away' });
    await addExpression(app, { videoId: bear, authorId: annotator.id, status: 'accepted', targets: [3, 1], text: 'the two bears moving left' });
    await addExpression(app, { videoId: bear, authorId: annotator.id, status: 'accepted', targets: [], text: 'the bird flying over the bears' });
    await addExpression(app, { videoId: cows, authorId: annotator.id, status: 'accepted', targets: [1], text: 'the cow turning around' });
    await app.exports.start({ proportions: ALL_VALID }, admin.id);
    expect((await app.exports.wait('v1'))?.state).toBe('finished');
    ({ splitDir, gtDir } = challengeDirs({ releaseDir: app.exports.dirOf('v1'), groundTruthDir: app.exports.groundTruthDirOf('v1') }, 'valid'));
    // The ground truth is a package of its own, outside the releases folder.
    expect(gtDir).toBe(path.join(app.config.dataDir, 'ground-truth', 'v1', 'valid'));
    expect(existsSync(path.join(app.exports.dirOf('v1'), 'ground_truth'))).toBe(false);
    server = createAppServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await app?.cleanup();
  });

  it('an admin opens a challenge on the written release; unwritten or empty splits are refused', async () => {
    const now = Date.now();
    const settings = {
      title: 'MeViS test challenge',
      releaseVersion: 'v1',
      split: 'valid' as const,
      phases: [
        { phase: 'development' as const, opensAt: now - HOUR, closesAt: now + HOUR },
        { phase: 'final' as const, opensAt: now + HOUR, closesAt: now + 2 * HOUR },
      ],
      maxPerDay: 6,
      maxTotal: 3,
      maxUploadMb: 1,
      leaderboardPublic: true,
      rankBy: 'combined' as const,
      pick: 'best' as const,
      inviteCode: 'join-the-mevis-test',
    };
    await expect(callerFor(app, admin).challenge.admin.create({ ...settings, split: 'test' })).rejects.toThrow(/no expressions in its test split/);
    await expect(callerFor(app, admin).challenge.admin.create({ ...settings, releaseVersion: 'v9' })).rejects.toThrow(/release v9 not found/);
    // Without its ground-truth package the release could never be scored: refused, saying why.
    const gtRoot = app.exports.groundTruthDirOf('v1');
    renameSync(gtRoot, `${gtRoot}.away`);
    try {
      await expect(callerFor(app, admin).challenge.admin.create(settings)).rejects.toThrow(/the ground truth of release v1 \(valid\) is not on the server/);
    } finally {
      renameSync(`${gtRoot}.away`, gtRoot);
    }
    const c = await callerFor(app, admin).challenge.admin.create(settings);
    challengeId = c.id;
    expect(c).toMatchObject({ releaseVersion: 'v1', split: 'valid', currentPhase: 'development' });
    await expect(callerFor(app, annotator).challenge.admin.create(settings)).rejects.toThrow(/needs the admin role/);
  });

  it('self-registration needs the invite code, and gives only the participant role', async () => {
    const anon = callerFor(app, null);
    await expect(anon.challenge.register({ inviteCode: 'nope-nope-nope', username: 'carol', password: 'a long enough password' })).rejects.toThrow(/not valid/);
    const r = await anon.challenge.register({ inviteCode: 'JOIN-THE-MEVIS-TEST', username: 'carol', password: 'a long enough password' });
    expect(r).toMatchObject({ challengeId, user: { username: 'carol', roles: ['participant'] } });
    await expect(callerFor(app, { ...r.user }).videos.get({ videoId: 1 })).rejects.toThrow(/needs the admin or annotator or validator or speaker role/);
    // Registrations from one address are counted: past the day's allowance they wait.
    await app.db.transaction((tx) => tx.update(loginThrottle).set({ failures: 25, lastAt: Date.now() }).where(eq(loginThrottle.key, 'register:127.0.0.1')));
    await expect(anon.challenge.register({ inviteCode: 'join-the-mevis-test', username: 'dave', password: 'a long enough password' })).rejects.toThrow(/try again in/);
    await app.db.transaction((tx) => tx.delete(loginThrottle).where(eq(loginThrottle.key, 'register:127.0.0.1')));
  });

  it('participants download the public files: the split without ground truth', async () => {
    const res = await request(port, { path: `/media/challenges/${challengeId}/split.tar`, cookie: await cookieOf(alice) });
    expect(res.status).toBe(200);
    const names = await tarNames(res.body);
    expect(names).toContain('mevis-v1/valid/meta_expressions.json');
    expect(names).toContain('mevis-v1/manifest.json');
    expect(names.some((n) => n.includes('ground_truth') || n.includes('mask_dict') || n.includes('tracking/valid'))).toBe(false);
    const all = await tarNames((await request(port, { path: `/media/challenges/${challengeId}/release.tar`, cookie: await cookieOf(alice) })).body);
    expect(all.some((n) => n.includes('ground_truth'))).toBe(false);
    // The annotation staff is not a participant: no challenge for them.
    expect((await request(port, { path: `/media/challenges/${challengeId}/split.tar`, cookie: await cookieOf(annotator) })).status).toBe(404);
    expect((await request(port, { path: `/media/challenges/99999/split.tar`, cookie: await cookieOf(alice) })).status).toBe(404);
    // Nor frames outside the download.
    expect((await request(port, { path: '/media/frames/1/0', cookie: await cookieOf(alice) })).status).toBe(404);
  });

  it('the admin downloads the release and its ground truth as two archives; nobody else gets the ground truth', async () => {
    const listed = (await callerFor(app, admin).admin.releases.list()).find((r) => r.version === 'v1');
    expect(listed).toMatchObject({ onDisk: true, groundTruthOnDisk: true });
    const pub = await request(port, { path: '/media/releases/v1.tar', cookie: await cookieOf(admin) });
    const pubNames = await tarNames(pub.body);
    expect(pubNames).toContain('v1/valid/meta_expressions.json');
    expect(pubNames.filter((n) => /ground.truth|mask_dict|tracking\/valid/.test(n))).toEqual([]);
    const gt = await request(port, { path: '/media/ground-truth/v1.tar', cookie: await cookieOf(admin) });
    expect(gt.status).toBe(200);
    expect(gt.headers['content-disposition']).toBe('attachment; filename="mevis-v1.ground-truth.tar"');
    expect((await tarNames(gt.body)).sort()).toEqual(
      ['README.md', 'manifest.json', 'tracking/valid/bear/0.txt', 'tracking/valid/bear/1.txt', 'tracking/valid/bear/2.txt', 'tracking/valid/cows/0.txt', 'valid/mask_dict.json', 'valid/meta_expressions.json', 'valid/meta_expressions_v2.json'].map((n) => `v1.ground-truth/${n}`),
    );
    for (const u of [alice, annotator]) expect((await request(port, { path: '/media/ground-truth/v1.tar', cookie: await cookieOf(u) })).status).toBe(404);
    expect((await request(port, { path: '/media/ground-truth/v9.tar', cookie: await cookieOf(admin) })).status).toBe(404);
    expect((await request(port, { path: '/media/ground-truth/v1.tar' })).status).toBe(401);
  });

  it('a team uploads: perfect scores 100, empty scores the no-target share, a broken one lists every problem', async () => {
    expect((await upload(alice, submissionZip(splitDir, gtDir, 'perfect'))).json.error?.message).toMatch(/create or join a team/);
    const team = await callerFor(app, alice).challenge.createTeam({ challengeId, name: 'Perfect Team' });
    expect(team.members).toEqual(['alice']);
    await expect(callerFor(app, bob).challenge.createTeam({ challengeId, name: 'perfect team' })).rejects.toThrow(/exists/);
    await callerFor(app, bob).challenge.createTeam({ challengeId, name: 'Baseline' });

    const perfect = await upload(alice, submissionZip(splitDir, gtDir, 'perfect'));
    expect(perfect.status, JSON.stringify(perfect.json)).toBe(200);
    const p = await settled(alice, perfect.json.result!.data.submissionId);
    expect(p.state, p.error ?? '').toBe('scored');
    expect(p.scores).toMatchObject({ j: 1, f: 1, jf: 1, nAcc: 1, tAcc: 1, combined: 1 });
    expect(p.report!.byKind['no-target']).toMatchObject({ samples: 1 });

    const empty = await upload(bob, submissionZip(splitDir, gtDir, 'empty'));
    const e = await settled(bob, empty.json.result!.data.submissionId);
    expect(e.scores).toMatchObject({ jf: 0.25, nAcc: 1, tAcc: 0 });

    // One video missing, a wrapping folder elsewhere, a PNG that is not one.
    const members = submissionMembers(splitDir, gtDir, 'perfect').filter((m) => !m.name.startsWith('cows/'));
    members[0] = { name: members[0]!.name, data: new Uint8Array([1, 2, 3]) };
    const broken = await upload(alice, zipBytes(members));
    const b = await settled(alice, broken.json.result!.data.submissionId);
    expect(b.state).toBe('invalid');
    expect(b.check!.groups.map((g) => g.kind).sort()).toEqual(['missing-video', 'undecodable-png']);
    expect(b.scores.jf).toBeNull();
  });

  it('zip bombs and path traversal are reported, never inflated or extracted', async () => {
    const members = submissionMembers(splitDir, gtDir, 'empty');
    // Five members declaring 4 GB each: over the total (16 GiB), each over the member limit.
    const bomb = [...members.slice(0, 5).map((m) => ({ ...m, declaredSize: 4_000_000_000 })), ...members.slice(5), { name: '../../escape.png', data: members[1]!.data }];
    const res = await upload(alice, zipBytes(bomb));
    const s = await settled(alice, res.json.result!.data.submissionId);
    expect(s.state).toBe('invalid');
    const kinds = s.check!.groups.map((g) => g.kind);
    expect(kinds).toContain('unsafe-path');
    expect(kinds).toContain('oversized-total');
    expect(kinds).toContain('oversized-member');
    expect(existsSync(path.join(app.config.dataDir, 'challenges', 'escape.png'))).toBe(false);
    // Scored or not, the zips are gone once their outcome is saved.
    // (deleted just after the outcome is written: wait for the job to end)
    await expect.poll(() => readdirSync(path.join(app.config.dataDir, 'challenges', 'submissions'))).toEqual([]);
  });

  it('limits: size, per day, and another team\'s results answer like unknown ids', async () => {
    const big = await upload(bob, Buffer.alloc(1024 * 1024 + 10));
    expect(big.status).toBe(413);
    expect((await upload(bob, Buffer.from('x'), challengeId, {})).status).toBe(403);
    const aliceSubs = await callerFor(app, alice).challenge.submissions({ challengeId });
    expect(aliceSubs).toHaveLength(3);
    await expect(callerFor(app, bob).challenge.submission({ submissionId: aliceSubs[0]!.id })).rejects.toThrow(/submission \d+ not found/);
    await expect(callerFor(app, bob).challenge.submission({ submissionId: 99999 })).rejects.toThrow(/submission \d+ not found/);
    // alice has made 3 of 6 today; three more and the day is full.
    for (let i = 0; i < 3; i++) {
      const r = await upload(alice, Buffer.from('not a zip'));
      expect(r.status).toBe(200);
      expect((await settled(alice, r.json.result!.data.submissionId)).check!.groups[0]!.kind).toBe('unreadable-archive');
    }
    const over = await upload(alice, Buffer.from('not a zip'));
    expect(over.status).toBe(429);
    expect(over.json.error!.message).toMatch(/last 24 hours/);
  });

  it('the leaderboard ranks each team by its best submission; public, so anyone may read it', async () => {
    const board = await callerFor(app, null).challenge.leaderboard({ challengeId, phase: 'development' });
    expect(board.rows.map((r) => [r.rank, r.teamName, r.scores.combined])).toEqual([
      [1, 'Perfect Team', 1],
      [2, 'Baseline', (0.25 + 1 + 0) / 3],
    ]);
    expect(board.definitions.map((d) => d.metric)).toContain('N-acc');
    expect(leaderboardCsv(rankTeams([], 'combined', 'best'))).toMatch(/^rank,team/);
    await callerFor(app, admin).challenge.admin.update({ challengeId, leaderboardPublic: false });
    await expect(callerFor(app, null).challenge.leaderboard({ challengeId, phase: 'development' })).rejects.toThrow(/not found/);
    await expect(callerFor(app, alice).challenge.leaderboard({ challengeId, phase: 'development' })).rejects.toThrow(/not found/);
    expect((await callerFor(app, admin).challenge.leaderboard({ challengeId, phase: 'development' })).rows).toHaveLength(2);
    expect(await callerFor(app, admin).challenge.admin.submissions({ challengeId })).toHaveLength(7);
  });

  it('at start, a recorded submission without its job is queued again, and stale partial uploads go', async () => {
    const dirs = app.challenges.ensureDirs();
    const stale = path.join(dirs.incoming, 'left-by-a-crash.zip');
    writeFileSync(stale, 'half');
    utimesSync(stale, new Date(Date.now() - 2 * 86_400_000), new Date(Date.now() - 2 * 86_400_000));
    const fresh = path.join(dirs.incoming, 'arriving-now.zip');
    writeFileSync(fresh, 'half');
    writeFileSync(path.join(dirs.submissions, 'orphan.zip'), submissionZip(splitDir, gtDir, 'perfect'));
    const [team] = await app.db.select().from(challengeTeams).where(eq(challengeTeams.name, 'Baseline'));
    const [row] = await app.db.transaction((tx) =>
      tx
        .insert(challengeSubmissions)
        .values({ challengeId, teamId: team!.id, userId: bob.id, phase: 'development', state: 'queued', fileName: 'orphan.zip', file: 'orphan.zip', bytes: 1, sha256: 'x', createdAt: Date.now() })
        .returning({ id: challengeSubmissions.id }),
    );
    expect(await app.challenges.resume()).toBe(1);
    expect((await settled(bob, row!.id)).state).toBe('scored');
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    rmSync(fresh);
  });
});

#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ROLES, isRole, type Role } from '#shared/roles.ts';
import { VIDEO_STATUSES } from '#shared/domain.ts';
import { checkProportions, SPLITS, type Split, type SplitProportions } from '#shared/export/splits.ts';
import { IMPORT_FPS, IMPORT_FPS_RULE, parseImportFps } from '#shared/schemas/import.ts';
import { openApp, type App } from '../app.ts';
import { loadConfig } from '../config.ts';
import { runImport } from '../import/run.ts';
import { reportLines } from '../import/report.ts';
import { backup } from '../services/backup.ts';
import { restore } from '../services/restore.ts';
import { lockExport } from '../services/export/lock.ts';
import { checkVersionName, createRelease, getRelease, nextVersion } from '../services/export/plan.ts';
import { assertEmptyTarget, checkTargets, writeRelease } from '../services/export/write.ts';
import { groundTruthDirFor } from '../services/export/jobs.ts';
import { createUser, findUserByName, listUsers, setPassword, setUserDisabled } from '../services/users.ts';
import { parseSplitCsv, setVideoSplits } from '../services/video-splits.ts';
import { phaseBars } from './progress.ts';
import { registerEval } from './eval.ts';
import { registerCheckSubmission } from './check-submission.ts';
import { registerMasks } from './masks.ts';
import { copyPostgresToSqlite, copySqliteToPostgres } from '../db/copy.ts';
import { dialectOf } from '../db/dialect.ts';
import { FileLock } from '../locks.ts';
import { isValidK, MAX_K_ANONYMITY, MIN_K_ANONYMITY } from '#shared/export/k-anonymity.ts';

function parseRoles(value: string, previous: Role[] = []): Role[] {
  const roles = value.split(',').map((r) => r.trim());
  for (const r of roles) if (!isRole(r)) throw new InvalidArgumentError(`unknown role "${r}" (roles: ${ROLES.join(', ')})`);
  return [...previous, ...(roles as Role[])];
}

/** k of the release's k-anonymity of speaker answers (shared/src/export/k-anonymity.ts). */
function parseK(value: string): number {
  const n = Number(value);
  if (!isValidK(n)) throw new InvalidArgumentError(`must be a whole number from ${MIN_K_ANONYMITY} to ${MAX_K_ANONYMITY} (1 turns it off)`);
  return n;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

/** `train=0.8,valid_u=0.05,valid=0.075,test=0.075`; a split left out gets 0. */
function parseProportions(value: string): SplitProportions {
  const p: SplitProportions = { train: 0, valid_u: 0, valid: 0, test: 0 };
  for (const part of value.split(',')) {
    const m = /^\s*([a-z_]+)\s*=\s*([0-9.]+)\s*$/.exec(part);
    if (!m || !(SPLITS as readonly string[]).includes(m[1]!) || !Number.isFinite(Number(m[2]))) throw new InvalidArgumentError(`expected <split>=<share>,… with splits ${SPLITS.join(', ')} (got ${JSON.stringify(part)})`);
    p[m[1] as Split] = Number(m[2]);
  }
  try {
    checkProportions(p);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return p;
}

function parseSplit(value: string): Split | null {
  if (value === 'none') return null;
  if (!(SPLITS as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${SPLITS.join(', ')}, or none`);
  return value as Split;
}

function parseFps(value: string): number {
  const n = parseImportFps(value);
  if (n === null) throw new InvalidArgumentError(IMPORT_FPS_RULE);
  return n;
}

/** Passwords on the command line end up in shell history and `ps`; stdin avoids both. */
function readPasswordFromStdin(): string {
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

function withApp<A extends unknown[]>(fn: (app: App, ...args: A) => Promise<void> | void) {
  return async (...args: A) => {
    const app = await openApp(loadConfig(), { log: pino({ level: 'warn' }) });
    try {
      await fn(app, ...args);
    } finally {
      await app.close();
    }
  };
}

async function userByName(app: App, username: string) {
  const user = await findUserByName(app.db, username);
  if (!user) throw new Error(`no user named "${username}"`);
  return user;
}

const program = new Command('studio')
  .description('MeViS Studio admin CLI (uses DATA_DIR, default ./data)')
  .configureOutput({ outputError: (str, write) => write(str) });

const user = program.command('user').description('manage accounts');

user
  .command('add <username>')
  .description('create a user; prints a generated password unless one is given on stdin')
  .requiredOption('-r, --role <roles>', `comma-separated roles (${ROLES.join(', ')}); repeatable`, parseRoles)
  .option('--password-stdin', 'read the password from standard input')
  .action(
    withApp(async (app, username: string, opts: { role: Role[]; passwordStdin?: boolean }) => {
      const created = await createUser(app.db, { username, roles: opts.role, password: opts.passwordStdin ? readPasswordFromStdin() : undefined }, null);
      console.log(`created user ${created.username} (id ${created.id}) with roles ${created.roles.join(', ')}`);
      if (created.generatedPassword) console.log(`password: ${created.generatedPassword}`);
    }),
  );

user
  .command('list')
  .description('list users and their roles')
  .action(
    withApp(async (app) => {
      const rows = await listUsers(app.db);
      if (rows.length === 0) console.log('no users yet');
      for (const u of rows) console.log(`${String(u.id).padStart(4)}  ${u.username.padEnd(24)} ${u.roles.join(',').padEnd(36)} ${u.disabled ? 'disabled' : 'active'}`);
    }),
  );

for (const [name, disabled] of [
  ['disable', true],
  ['enable', false],
] as const) {
  user
    .command(`${name} <username>`)
    .description(disabled ? 'disable a user (their work stays; their sessions end)' : 'enable a disabled user')
    .action(
      withApp(async (app, username: string) => {
        const u = await setUserDisabled(app.db, (await userByName(app, username)).id, disabled, null);
        console.log(`${u.username} is now ${u.disabled ? 'disabled' : 'active'}`);
      }),
    );
}

user
  .command('passwd <username>')
  .description('set a new password (read from stdin)')
  .action(
    withApp(async (app, username: string) => {
      await setPassword(app.db, (await userByName(app, username)).id, readPasswordFromStdin(), null);
      console.log(`password of ${username} changed; their sessions were ended`);
    }),
  );

program
  .command('import <dir>')
  .description('import videos with masks: a DAVIS/YouTube-VOS/MOSE root, a MeViS split folder, or video files (MP4/WebM/MOV) with their masks (all or nothing; every problem is listed)')
  .addOption(new Option('-f, --format <format>', 'source layout (video: <name>.mp4|.webm|.mov with a <name>/ mask folder or <name>.mask_dict.json)').choices(['davis', 'mevis', 'video']).makeOptionMandatory())
  .addOption(new Option('-s, --status <status>', 'curation state of new videos').choices(VIDEO_STATUSES).default('candidate'))
  .option('--fps <n>', `frame rate of the source frames (default: davis 24, mevis 6); for video files the rate frames are extracted at (default: each video's own); ${IMPORT_FPS.min} to ${IMPORT_FPS.max}`, parseFps)
  .option('--strict', 'refuse the import on any warning (a stray palette index, a PNG missing among dense masks)', false)
  .option('--no-strict', 'import despite warnings, listing them (the default)')
  .action(
    withApp(async (app, dir: string, opts: { format: 'davis' | 'mevis' | 'video'; status: (typeof VIDEO_STATUSES)[number]; fps?: number; strict: boolean }) => {
      const bars = phaseBars();
      const started = performance.now();
      try {
        const { importId, stats, curationJob, warnings, coverage } = await runImport(app, { format: opts.format, dir, status: opts.status, fps: opts.fps, strict: opts.strict }, bars.update);
        bars.stop();
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        console.log(
          `import ${importId} done in ${secs}s: ${stats.videosAdded} videos added, ${stats.videosUnchanged} unchanged; ` +
            `${stats.frames} frames, ${stats.objects} objects, ${stats.masks} masks; ` +
            `${stats.expressionsAdded} expressions added, ${stats.expressionsUnchanged} unchanged`,
        );
        for (const line of reportLines(warnings, coverage)) console.log(line);
        // The CLI does not run jobs: a running server scores within a second, else the next start.
        if (curationJob) console.log(`curation scores: queued (job ${curationJob}); the server computes them`);
      } finally {
        bars.stop();
      }
    }),
  );

program
  .command('export')
  .description('write a MeViS-format release (the public package) and its withheld splits\' ground truth (a package of its own) into new or empty folders; without --version, create the next version')
  .requiredOption('-o, --out <dir>', 'where the public release goes (must not exist yet, or be empty)')
  .option('--ground-truth-out <dir>', 'where the ground truth of valid/test goes (default: <out>.ground-truth; DATA_DIR/ground-truth/<name> when <out> is DATA_DIR/releases/<name>)')
  .option('--version <name>', 'an existing version to rebuild byte for byte, or the name of a new one')
  .option('--seed <n>', 'split seed for videos that have no split yet (default 2006)', parseSeed)
  .option('--notes <text>', 'release notes for the dataset card')
  .option('--require-audio', 'only expressions with a verified audio clip')
  .option('--include-demo', 'also the synthetic demo videos (left out by default)')
  .option('--keep-splits', 'videos not yet released keep the split their source gave them (a MeViS split folder, DAVIS ImageSets, a YouTube-VOS train/valid folder; the default)')
  .option('--no-keep-splits', 'split those videos by the proportions instead (a split chosen with `videos split` still holds)')
  .option('--proportions <shares>', 'shares for videos without a split, e.g. train=0.8,valid_u=0.05,valid=0.075,test=0.075 (default: the settings\'; MeViS\'s)', parseProportions)
  .option('--k-anonymity <k>', 'a speaker answer (gender, age group, nativeness, microphone) appears in the release only when at least k of its speakers share it (default 5; 1 = off)', parseK)
  .action(
    withApp(async (app, opts: { out: string; groundTruthOut?: string; version?: string; seed?: number; notes?: string; requireAudio?: boolean; includeDemo?: boolean; keepSplits?: boolean; proportions?: SplitProportions; kAnonymity?: number }) => {
      assertEmptyTarget(opts.out);
      const version = opts.version ?? (await nextVersion(app.db));
      checkVersionName(version);
      const targets = { dir: opts.out, groundTruthDir: opts.groundTruthOut ?? groundTruthDirFor(app.config.dataDir, opts.out) };
      checkTargets(targets, version);
      // Held until the release is written: a second export of this version, here or from the admin
      // page, is refused at once instead of racing this one.
      const lock = lockExport(app.config.dataDir, version, targets.dir, targets.groundTruthDir);
      const bars = phaseBars();
      try {
        const existing = opts.version ? await getRelease(app.db, version) : null;
        if (existing && (opts.seed !== undefined || opts.notes !== undefined || opts.requireAudio || opts.includeDemo || opts.keepSplits !== undefined || opts.proportions || opts.kAnonymity !== undefined)) {
          throw new Error(`release ${existing.version} exists; its parameters are fixed (leave out --seed, --notes, --require-audio, --include-demo, --[no-]keep-splits, --proportions and --k-anonymity to rebuild it)`);
        }
        const release =
          existing ??
          (await createRelease(app.db, { version, seed: opts.seed, notes: opts.notes, requireAudio: opts.requireAudio, includeDemo: opts.includeDemo, keepSplits: opts.keepSplits, proportions: opts.proportions, kAnonymity: opts.kAnonymity }, null));
        const started = performance.now();
        const res = await writeRelease(app.db, app.store, release, targets, (p) => bars.update({ phase: p.phase === 'videos' ? 'export videos' : p.phase, done: p.done, total: p.total }));
        bars.stop();
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        console.log(`${existing ? 'rebuilt' : 'created'} release ${release.version} in ${secs}s: ${res.files} files, ${(res.bytes / 1e6).toFixed(1)} MB → ${res.dir} (manifest sha256 ${res.manifestSha256})`);
        if (res.groundTruth) console.log(`ground truth of the withheld splits (not for publication): ${res.groundTruth.files} files, ${(res.groundTruth.bytes / 1e6).toFixed(1)} MB → ${res.groundTruth.dir} (manifest sha256 ${res.groundTruth.manifestSha256})`);
      } finally {
        bars.stop();
        lock.release();
      }
    }),
  );

const videosCommand = program.command('videos').description('videos of the project');

videosCommand
  .command('split [names...]')
  .description('choose the split of videos no release has included yet (releases keep it; refused for a video already released, whose split never moves)')
  .option('--to <split>', 'train, valid_u, valid or test; none clears the choice (the release\'s proportions decide)', parseSplit)
  .option('--csv <file>', 'a file of "name,split" lines instead of names and --to (- reads standard input)')
  .action(
    withApp(async (app, names: string[], opts: { to?: Split | null; csv?: string }) => {
      if (opts.csv !== undefined ? names.length > 0 || opts.to !== undefined : names.length === 0 || opts.to === undefined) {
        throw new Error('give video names and --to <split>, or --csv <file>');
      }
      const splits = opts.csv !== undefined ? parseSplitCsv(readFileSync(opts.csv === '-' ? 0 : opts.csv, 'utf8')) : new Map(names.map((n) => [n, opts.to!] as const));
      const { changed, unchanged } = await setVideoSplits(app.db, { by: 'name', splits }, null);
      for (const name of changed) console.log(`${name}: ${splits.get(name) ?? 'none (by the proportions)'}`);
      console.log(`${changed.length} video(s) changed, ${unchanged.length} already so`);
    }),
  );

program
  .command('backup <dir>')
  .description('consistent online copy of the database (SQLite backup API) and the list of store files it needs, into a new or empty folder')
  .option('--with-store', 'also copy those store files (frames, audio), making the backup self-contained')
  .action(
    withApp(async (app, dir: string, opts: { withStore?: boolean }) => {
      const bars = phaseBars();
      try {
        const res = await backup(app, dir, { withStore: opts.withStore, onProgress: (done, total) => bars.update({ phase: 'database pages', done, total }) });
        bars.stop();
        console.log(`backup in ${path.resolve(dir)}: database ${(res.dbBytes / 1e6).toFixed(1)} MB, ${res.files} store files listed${opts.withStore ? `, ${res.copied} copied` : ' (copy DATA_DIR/store yourself, or use --with-store)'}`);
      } finally {
        bars.stop();
      }
    }),
  );

program
  .command('restore <dir>')
  .description('bring a backup back into DATA_DIR; refused while a server or an import runs there; replacing a database needs --force (the old one is kept in DATA_DIR/pre-restore-<time>/)')
  .option('--force', 'replace an existing database (kept aside, not deleted); also sets aside one that cannot be opened')
  .action((dir: string, opts: { force?: boolean }) => {
    const { dataDir } = loadConfig();
    const res = restore(dir, dataDir, { force: opts.force });
    console.log(`restored into ${dataDir}: ${res.files} store files checked, ${res.added} added from the backup${res.keptIn ? `; the previous database is kept in ${res.keptIn}` : ''}`);
  });

const db = program.command('db').description('the database itself');

db.command('copy')
  .description('copy this data dir\'s SQLite database into an empty PostgreSQL database, every row, checked by counts and a content hash per table')
  .requiredOption('--to <url>', 'the PostgreSQL database (postgres://user@host:5432/name), empty')
  .option('--from <file>', 'the SQLite file (default: DATA_DIR/studio.db)')
  .action(async (opts: { to: string; from?: string }) => {
    const config = loadConfig();
    if (dialectOf(opts.to) !== 'postgres') throw new Error('--to must be a postgres:// URL');
    // A server writing meanwhile would make the copy miss its latest work: the copy needs it stopped.
    const lock = opts.from ? null : FileLock.acquire(config.dataDir, 'server', `a server is using ${config.dataDir}; stop it before copying its database`);
    const bars = phaseBars();
    try {
      const reports = await copySqliteToPostgres(opts.from ?? config.dbFile, opts.to, (p) => bars.update({ phase: p.table, done: p.copied, total: p.total }));
      bars.stop();
      const rows = reports.reduce((n, r) => n + r.rows, 0);
      for (const r of reports) console.log(`${r.table.padEnd(22)} ${String(r.rows).padStart(9)} rows  sha256 ${r.sha256.slice(0, 16)}`);
      console.log(`copied ${rows} rows in ${reports.length} tables; counts and content hashes match. Start the app with DATABASE_URL=${opts.to.replace(/\/\/[^@/]*@/, '//…@')}`);
    } finally {
      bars.stop();
      lock?.release();
    }
  });

db.command('snapshot')
  .description('copy a PostgreSQL database into a new SQLite file, every row, checked by counts and a content hash per table (one consistent snapshot; the instances may keep running)')
  .argument('<file>', 'the new SQLite file')
  .option('--from <url>', 'the PostgreSQL database (default: DATABASE_URL)')
  .action(async (file: string, opts: { from?: string }) => {
    const url = opts.from ?? process.env.DATABASE_URL;
    if (!url || dialectOf(url) !== 'postgres') throw new Error('--from (or DATABASE_URL) must be a postgres:// URL');
    const bars = phaseBars();
    try {
      const reports = await copyPostgresToSqlite(url, path.resolve(file), (p) => bars.update({ phase: p.table, done: p.copied, total: p.total }));
      bars.stop();
      const rows = reports.reduce((n, r) => n + r.rows, 0);
      console.log(`copied ${rows} rows in ${reports.length} tables into ${path.resolve(file)}; counts and content hashes match`);
    } finally {
      bars.stop();
    }
  });

registerEval(program);
registerCheckSubmission(program);
registerMasks(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  // One line, non-zero: scripts can grep it, people can read it.
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

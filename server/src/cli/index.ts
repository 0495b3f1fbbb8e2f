#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ROLES, isRole, type Role } from '#shared/roles.ts';
import { VIDEO_STATUSES } from '#shared/domain.ts';
import { openApp, type App } from '../app.ts';
import { loadConfig } from '../config.ts';
import { runImport } from '../import/run.ts';
import { backup, restore } from '../services/backup.ts';
import { createRelease, getRelease } from '../services/export/plan.ts';
import { assertEmptyTarget, writeRelease } from '../services/export/write.ts';
import { createUser, findUserByName, listUsers, setPassword, setUserDisabled } from '../services/users.ts';
import { phaseBars } from './progress.ts';

function parseRoles(value: string, previous: Role[] = []): Role[] {
  const roles = value.split(',').map((r) => r.trim());
  for (const r of roles) if (!isRole(r)) throw new InvalidArgumentError(`unknown role "${r}" (roles: ${ROLES.join(', ')})`);
  return [...previous, ...(roles as Role[])];
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

/** Passwords on the command line end up in shell history and `ps`; stdin avoids both. */
function readPasswordFromStdin(): string {
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

function withApp<A extends unknown[]>(fn: (app: App, ...args: A) => Promise<void> | void) {
  return async (...args: A) => {
    const app = openApp(loadConfig(), { log: pino({ level: 'warn' }) });
    try {
      await fn(app, ...args);
    } finally {
      app.close();
    }
  };
}

function userByName(app: App, username: string) {
  const user = findUserByName(app.db, username);
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
    withApp((app) => {
      const rows = listUsers(app.db);
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
      withApp((app, username: string) => {
        const u = setUserDisabled(app.db, userByName(app, username).id, disabled, null);
        console.log(`${u.username} is now ${u.disabled ? 'disabled' : 'active'}`);
      }),
    );
}

user
  .command('passwd <username>')
  .description('set a new password (read from stdin)')
  .action(
    withApp(async (app, username: string) => {
      await setPassword(app.db, userByName(app, username).id, readPasswordFromStdin(), null);
      console.log(`password of ${username} changed; their sessions were ended`);
    }),
  );

program
  .command('import <dir>')
  .description('import videos with masks: a DAVIS/YouTube-VOS/MOSE root or a MeViS split folder (all or nothing)')
  .addOption(new Option('-f, --format <format>', 'source layout').choices(['davis', 'mevis']).makeOptionMandatory())
  .addOption(new Option('-s, --status <status>', 'curation state of new videos').choices(VIDEO_STATUSES).default('candidate'))
  .option('--fps <n>', 'frame rate of the source frames (default: davis 24, mevis 6)', parsePositive)
  .action(
    withApp(async (app, dir: string, opts: { format: 'davis' | 'mevis'; status: (typeof VIDEO_STATUSES)[number]; fps?: number }) => {
      const bars = phaseBars();
      const started = performance.now();
      try {
        const { importId, stats } = await runImport(app, { format: opts.format, dir, status: opts.status, fps: opts.fps }, bars.update);
        bars.stop();
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        console.log(
          `import ${importId} done in ${secs}s: ${stats.videosAdded} videos added, ${stats.videosUnchanged} unchanged; ` +
            `${stats.frames} frames, ${stats.objects} objects, ${stats.masks} masks; ` +
            `${stats.expressionsAdded} expressions added, ${stats.expressionsUnchanged} unchanged`,
        );
      } finally {
        bars.stop();
      }
    }),
  );

program
  .command('export')
  .description('write a MeViS-format release into a new or empty folder; without --version, create the next version')
  .requiredOption('-o, --out <dir>', 'where the release goes (must not exist yet, or be empty)')
  .option('--version <name>', 'an existing version to rebuild byte for byte, or the name of a new one')
  .option('--seed <n>', 'split seed for videos that have no split yet (default 2006)', parseSeed)
  .option('--notes <text>', 'release notes for the dataset card')
  .option('--require-audio', 'only expressions with a verified audio clip')
  .action(
    withApp((app, opts: { out: string; version?: string; seed?: number; notes?: string; requireAudio?: boolean }) => {
      assertEmptyTarget(opts.out);
      const existing = opts.version ? getRelease(app.db, opts.version) : null;
      if (existing && (opts.seed !== undefined || opts.notes !== undefined || opts.requireAudio)) {
        throw new Error(`release ${existing.version} exists; its parameters are fixed (leave out --seed, --notes and --require-audio to rebuild it)`);
      }
      const release = existing ?? createRelease(app.db, { version: opts.version, seed: opts.seed, notes: opts.notes, requireAudio: opts.requireAudio }, null);
      const bars = phaseBars();
      const started = performance.now();
      try {
        const res = writeRelease(app.db, app.store, release, opts.out, (p) => bars.update({ phase: p.phase === 'videos' ? 'export videos' : p.phase, done: p.done, total: p.total }));
        bars.stop();
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        console.log(`${existing ? 'rebuilt' : 'created'} release ${release.version} in ${secs}s: ${res.files} files, ${(res.bytes / 1e6).toFixed(1)} MB → ${res.dir} (manifest sha256 ${res.manifestSha256})`);
      } finally {
        bars.stop();
      }
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
  .description('bring a backup back into DATA_DIR (stop the server first); refuses to overwrite a database without --force')
  .option('--force', 'replace an existing database')
  .action((dir: string, opts: { force?: boolean }) => {
    const res = restore(dir, loadConfig().dataDir, { force: opts.force });
    console.log(`restored into ${loadConfig().dataDir}: ${res.files} store files checked, ${res.added} added from the backup`);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  // One line, non-zero: scripts can grep it, people can read it.
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

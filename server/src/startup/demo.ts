import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { z } from 'zod';
import type { Role } from '#shared/roles.ts';
import { RoleSchema } from '#shared/schemas/users.ts';
import type { App } from '../app.ts';
import { users, videos } from '../db/schema/index.ts';
import { generateDemoDataset } from '../demo/generate.ts';
import { generatePassword } from '../auth/password.ts';
import { runImport } from '../import/run.ts';
import type { PhaseEvent } from '../cli/progress.ts';
import { createUser, findUserByName } from '../services/users.ts';

export const DEMO_SEED = 20260521;

const DEMO_USERS: { username: string; roles: Role[] }[] = [
  { username: 'admin', roles: ['admin'] },
  { username: 'annotator', roles: ['annotator'] },
  { username: 'validator1', roles: ['validator'] },
  { username: 'validator2', roles: ['validator'] },
  { username: 'speaker', roles: ['speaker'] },
];

const AccountsFile = z.object({
  accounts: z.array(z.object({ username: z.string(), password: z.string(), roles: z.array(RoleSchema) })),
});
export type DemoAccount = z.infer<typeof AccountsFile>['accounts'][number];

export function demoAccountsFile(dataDir: string): string {
  return path.join(dataDir, 'demo-accounts.json');
}

/** Demo videos in the validation split: the demo's source says so (DAVIS ImageSets, import/source-splits.ts). */
const DEMO_VALID = ['demo-pond'];

/**
 * The demo's split lists, as a DAVIS download has them: the pond in val (→ valid), the rest in
 * train. Three videos are too few for the quotas to reach valid (allocateByQuota), and a fresh
 * install's first release should have a withheld split, so that a challenge can run on it.
 */
function writeDemoSplits(source: string, names: string[]): void {
  const dir = path.join(source, 'ImageSets', '2017');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'train.txt'), names.filter((n) => !DEMO_VALID.includes(n)).map((n) => `${n}\n`).join(''));
  writeFileSync(path.join(dir, 'val.txt'), names.filter((n) => DEMO_VALID.includes(n)).map((n) => `${n}\n`).join(''));
}

/**
 * First run with demo data on: generate the synthetic videos, import them through the DAVIS
 * importer, and create the demo accounts with passwords generated now (never fixed in code).
 *
 * The passwords are written (mode 0600) before the accounts are created, so a crash in between
 * is repaired on the next start; the import is idempotent for the same reason. A data dir that
 * already holds other users or videos is never given demo accounts.
 */
export async function ensureDemo(app: App, progress: (e: PhaseEvent) => void = () => {}): Promise<DemoAccount[] | null> {
  const file = demoAccountsFile(app.config.dataDir);
  let accounts: DemoAccount[];
  if (existsSync(file)) {
    accounts = AccountsFile.parse(JSON.parse(readFileSync(file, 'utf8'))).accounts;
  } else {
    const [{ n: userCount }] = (await app.db.select({ n: count() }).from(users)) as [{ n: number }];
    const [{ n: videoCount }] = (await app.db.select({ n: count() }).from(videos)) as [{ n: number }];
    if (userCount > 0 || videoCount > 0) return null;
    accounts = DEMO_USERS.map((u) => ({ ...u, password: generatePassword() }));
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ accounts }, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, file);
  }

  const source = path.join(app.config.dataDir, 'demo-source');
  const hasDemoVideos = ((await app.db.select({ n: count() }).from(videos)) as [{ n: number }])[0].n > 0;
  if (!hasDemoVideos) {
    rmSync(source, { recursive: true, force: true });
    const manifest = await generateDemoDataset(source, { seed: DEMO_SEED, onProgress: (done, total) => progress({ phase: 'generate', done, total }) });
    writeDemoSplits(source, manifest.videos.map((v) => v.name));
    await runImport(app, { format: 'demo', dir: source, status: 'accepted', fps: manifest.fps }, progress);
    // The frames now live in the store; the generated folder was only the importer's input.
    rmSync(source, { recursive: true, force: true });
  }
  for (const a of accounts) {
    if (!(await findUserByName(app.db, a.username))) await createUser(app.db, { username: a.username, roles: a.roles, password: a.password }, null);
  }
  return accounts;
}

import { execFileSync } from 'node:child_process';

/** Playwright's global teardown for the PostgreSQL run: drops the database the config made. */
export default function dropDatabase(): void {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) return;
  const name = new URL(url).pathname.slice(1);
  execFileSync('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', '--force', name]);
}

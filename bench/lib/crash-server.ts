/**
 * The real server as a child process for test:crash: started with `node --import tsx
 * server/src/index.ts` on a fixed data dir and port, killed with SIGKILL (no shutdown hook runs),
 * restarted on the same data dir, and finally stopped with SIGTERM.
 *
 * The child leads its own process group, so a kill takes its helpers (ffmpeg, pocketsphinx) down
 * with it, as a power cut or an OOM kill of the container would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { repoRoot } from '../../server/src/paths.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port nobody listens on right now (the server gets the same one on every restart). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerOptions {
  dataDir: string;
  port: number;
  demo: boolean;
  logFile: string;
  /** More environment (DATABASE_URL, INSTANCE_ID for several instances on PostgreSQL). */
  env?: Record<string, string>;
}

export class CrashServer {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  starts = 0;
  kills = 0;
  /** Wall-clock ms from spawn to a healthy /healthz, per start. */
  readonly startMs: number[] = [];
  readonly base: string;

  constructor(private readonly opts: ServerOptions) {
    this.base = `http://127.0.0.1:${opts.port}`;
    // Never leave a server behind if the harness itself dies.
    process.once('exit', () => this.killGroupSync());
  }

  get running(): boolean {
    return this.child !== null;
  }

  private note(line: string): void {
    const fd = openSync(this.opts.logFile, 'a');
    try {
      writeSync(fd, `\n===== test:crash ${new Date().toISOString()} ${line} =====\n`);
    } finally {
      closeSync(fd);
    }
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.opts.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private exitCode: number | null | undefined;
  private spawnedAt = 0;

  private spawnChild(): void {
    if (this.child) throw new Error('server already running');
    this.note(`start #${this.starts + 1}`);
    const fd = openSync(this.opts.logFile, 'a');
    this.spawnedAt = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/index.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATA_DIR: this.opts.dataDir,
        PORT: String(this.opts.port),
        HOST: '127.0.0.1',
        STUDIO_DEMO: this.opts.demo ? '1' : '0',
        LOG_LEVEL: 'warn',
        ...this.opts.env,
      },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    this.child = child;
    this.starts++;
    this.exitCode = undefined;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        resolve(this.exitCode);
      }),
    );
  }

  async healthy(): Promise<boolean> {
    try {
      return (await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
    } catch {
      return false;
    }
  }

  async start(timeoutMs = 90_000): Promise<void> {
    this.spawnChild();
    for (;;) {
      if (this.exitCode !== undefined) {
        this.child = null;
        throw new Error(`server exited during start-up (code ${this.exitCode}); log tail:\n${this.logTail()}`);
      }
      if (await this.healthy()) break;
      if (Date.now() - this.spawnedAt > timeoutMs) throw new Error(`server did not become healthy in ${timeoutMs} ms; log tail:\n${this.logTail()}`);
      await sleep(50);
    }
    this.startMs.push(Date.now() - this.spawnedAt);
  }

  /** Starts the server and SIGKILLs it `afterMs` later, most likely still starting up. Returns whether it was already serving. */
  async killDuringStartup(afterMs: number): Promise<boolean> {
    this.spawnChild();
    await sleep(afterMs);
    const serving = await this.healthy();
    await this.kill();
    return serving;
  }

  private killGroupSync(): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** SIGKILL to the server and its helpers; resolves once the server process is gone. */
  async kill(): Promise<void> {
    if (!this.child) throw new Error('server not running');
    this.note(`SIGKILL #${this.kills + 1}`);
    this.killGroupSync();
    await this.exited;
    this.child = null;
    this.kills++;
  }

  /** SIGTERM (the graceful path); SIGKILL after `graceMs`. Returns whether it exited by itself. */
  async stop(graceMs = 15_000): Promise<{ graceful: boolean; code: number | null }> {
    const child = this.child;
    if (!child?.pid) return { graceful: true, code: null };
    this.note('SIGTERM (final stop)');
    child.kill('SIGTERM');
    const code = await Promise.race([this.exited, sleep(graceMs).then(() => 'timeout' as const)]);
    if (code === 'timeout') {
      this.killGroupSync();
      const c = await this.exited;
      this.child = null;
      return { graceful: false, code: c };
    }
    // Helpers the server started (a recognizer run) must not outlive it.
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // none left
    }
    this.child = null;
    return { graceful: true, code };
  }
}

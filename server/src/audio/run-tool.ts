import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface RunOptions {
  /** Bytes written to the child's stdin (text goes here, never into argv of a shell). */
  stdin?: Uint8Array | string;
  cwd?: string;
  timeoutMs: number;
  /** Cap on collected stdout, so a misbehaving tool cannot exhaust the server's memory. */
  maxStdoutBytes?: number;
  /** Test hook: the child's pid as soon as it exists. */
  onSpawn?: (pid: number) => void;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
}

/** A failure of an external audio tool, with a message that can be shown to an admin as is. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly kind: 'missing' | 'failed' | 'timeout' | 'invalid-input',
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

const DEFAULT_MAX_STDOUT = 256 * 1024 * 1024;

/**
 * Runs one tool with an argument array (no shell ever sees user text) and a hard time limit.
 * On timeout the child gets SIGKILL: these tools hold no state worth a graceful shutdown, and a
 * decoder stuck on a crafted file may ignore SIGTERM.
 */
export function runTool(label: string, command: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let settled = false;
    let overflow = false;
    const maxOut = opts.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;

    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new ToolError(`${label} timed out after ${opts.timeoutMs} ms and was killed`, 'timeout')));
    }, opts.timeoutMs);

    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    child.stdout?.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOut) {
        overflow = true;
        child.kill('SIGKILL');
        return;
      }
      out.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      // Only the tail matters for the error message; keep it bounded.
      err = (err + chunk.toString('utf8')).slice(-16_384);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish(() =>
        reject(
          e.code === 'ENOENT'
            ? new ToolError(`${label} is not installed (${command} not found)`, 'missing')
            : new ToolError(`${label} could not be started: ${e.message}`, 'failed'),
        ),
      );
    });
    child.on('close', (code, signal) => {
      finish(() => {
        if (overflow) reject(new ToolError(`${label} produced more than ${maxOut} bytes of output`, 'failed'));
        else if (code === 0) resolve({ stdout: Buffer.concat(out), stderr: err });
        else reject(new ToolError(`${label} failed (${code === null ? `signal ${signal}` : `exit ${code}`}): ${lastLine(err)}`, 'failed'));
      });
    });
    if (opts.stdin !== undefined && child.stdin) {
      // A child that exits before reading all of stdin must surface as its own error, not EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(opts.stdin);
    }
  });
}

export function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return lines.at(-1) ?? '(no error output)';
}

/**
 * Runs `fn` in a fresh private temp dir that is removed afterwards, whatever happens.
 * os.tmpdir() is read per call so TMPDIR can point a test (or a deployment) elsewhere.
 */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mevis-audio-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

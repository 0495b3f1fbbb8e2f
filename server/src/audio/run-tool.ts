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
    readonly kind: 'missing' | 'failed' | 'timeout' | 'invalid-input' | 'busy',
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

const DEFAULT_MAX_STDOUT = 256 * 1024 * 1024;

/**
 * At most this many external tools run at once, process-wide. Decoders and synthesizers are CPU
 * bound; on a 2-core machine more than two at once only makes every one of them slower and starves
 * the event loop. Later runs wait their turn (first come, first served) in a bounded queue.
 */
export const MAX_TOOL_RUNS = 2;
/** Runs that may wait for a slot; beyond that a caller gets a clear "busy" instead of a backlog. */
export const MAX_TOOL_QUEUE = 32;

/** A counting semaphore with a bounded FIFO queue. */
export class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Most runs at once so far (tests and the abuse suite read it). */
  peak = 0;

  constructor(
    readonly size: number,
    readonly maxQueue: number,
  ) {}

  async acquire(label: string): Promise<() => void> {
    if (this.running >= this.size) {
      if (this.waiting.length >= this.maxQueue) throw new ToolError(`the server is busy with other audio work; please try again in a minute (${label})`, 'busy');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    this.peak = Math.max(this.peak, this.running);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `running` never dips and rises again.
      if (next) next();
      else this.running--;
    };
  }

  get queued(): number {
    return this.waiting.length;
  }
}

export const toolSlots = new Slots(MAX_TOOL_RUNS, MAX_TOOL_QUEUE);

/**
 * Runs one tool with an argument array (no shell ever sees user text), a hard time limit and a
 * slot of `toolSlots`. On timeout the child gets SIGKILL: these tools hold no state worth a
 * graceful shutdown, and a decoder stuck on a crafted file may ignore SIGTERM.
 */
export async function runTool(label: string, command: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const release = await toolSlots.acquire(label);
  try {
    return await spawnTool(label, command, args, opts);
  } finally {
    release();
  }
}

/**
 * For background work (TTS jobs, speech recognition): runs `fn` again after a pause while the tool queue is full,
 * instead of failing. People's uploads are refused at once when the server is busy and can retry;
 * an admin's job should simply wait its turn. A job runs one tool at a time, so it adds at most
 * one waiter to the queue.
 */
export async function whenToolsFree<T>(fn: () => Promise<T>, pauseMs = 1000): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof ToolError && e.kind === 'busy')) throw e;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}

function spawnTool(label: string, command: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
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

import { Worker } from 'node:worker_threads';
import { ServiceError } from '../services/errors.ts';

/*
 * Runs in the worker thread: scryptSync blocks only this thread. A string rather than a .ts file
 * because worker threads do not get tsx's loader (see db/checkpointer.ts).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', ({ id, password, salt, keylen, opts }) => {
  try {
    const key = scryptSync(password, Buffer.from(salt), keylen, opts);
    parentPort.postMessage({ id, key });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message || err) });
  }
});
`;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  maxmem: number;
}

interface Job {
  id: number;
  password: string;
  salt: Uint8Array;
  keylen: number;
  opts: ScryptParams;
  resolve: (key: Buffer) => void;
  reject: (err: Error) => void;
}

/**
 * Password hashing on a thread of its own, one hash at a time, with a bounded queue.
 *
 * Node's async scrypt runs on libuv's thread pool, which has 4 threads and also carries every
 * fsync (the group commit's WAL sync, the file store) and file read: during 40 anonymous logins a
 * durable save waited 15.4 s behind password hashing (issue 13). Here hashing never touches that
 * pool, so saves never queue behind it; and a flood of logins meets a full queue and a clear
 * "busy" error instead of an ever-growing backlog (the login throttle bounds each address and
 * account before that).
 */
export class HashPool {
  private worker: Worker | null = null;
  private readonly queue: Job[] = [];
  private current: Job | null = null;
  private seq = 0;

  constructor(private readonly maxQueued: number) {}

  hash(password: string, salt: Uint8Array, keylen: number, opts: ScryptParams): Promise<Buffer> {
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(new ServiceError('TOO_MANY_REQUESTS', 'the server is busy checking passwords; please try again in a few seconds'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ id: ++this.seq, password, salt, keylen, opts, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.current = job;
    const w = this.ensureWorker();
    w.ref();
    w.postMessage({ id: job.id, password: job.password, salt: job.salt, keylen: job.keylen, opts: job.opts });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on('message', (m: { id: number; key?: Uint8Array; error?: string }) => {
      const job = this.current;
      if (!job || job.id !== m.id) return;
      this.current = null;
      if (m.key) job.resolve(Buffer.from(m.key));
      else job.reject(new Error(m.error ?? 'scrypt failed'));
      if (this.queue.length === 0) w.unref();
      this.pump();
    });
    w.on('error', (err) => this.fail(err));
    w.on('exit', (code) => this.fail(new Error(`password hashing thread exited (${code})`)));
    this.worker = w;
    return w;
  }

  /** A dead worker fails its job; the next hash starts a new one. */
  private fail(err: Error): void {
    this.worker = null;
    const job = this.current;
    this.current = null;
    job?.reject(err);
    this.pump();
  }
}

/** One pool per process: the server, the CLI and tests all hash through it. */
export const hashPool = new HashPool(64);

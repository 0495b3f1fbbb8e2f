import { spawn } from 'node:child_process';

/** Marks the one stdout line a benchmark child reports its result on; everything else is log. */
const RESULT = 'BENCH_RESULT ';

/** In a child: report the result to the parent. */
export function reportResult(value: unknown): void {
  process.stdout.write(RESULT + JSON.stringify(value) + '\n');
}

/**
 * Runs `script` again as a fresh Node process (so generation and measurement never share a heap,
 * and the child's peak RSS is its own) and returns what it reported with `reportResult`.
 */
export function runChild<T>(script: string, args: string[], opts: { cwd?: string; nodeArgs?: string[] } = {}): Promise<T> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', script, ...args], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT));
      if (code !== 0 || !line) reject(new Error(`${args[0]} child failed (exit ${code})\n${out}`));
      else resolve(JSON.parse(line.slice(RESULT.length)) as T);
    });
  });
}

import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (user + system, in ms) that processes have used so far, read from Linux's /proc: how a
 * bench tells what a request costs the machine, which its latencies (queueing on a shared machine)
 * do not. Returns null where /proc is absent (not Linux).
 */
const TICK_MS = 10; // USER_HZ is 100 on every Linux build Node runs on

/** `withChildren`: also what its children used that it has waited for (a server's exited workers). */
function cpuOf(pid: number, withChildren = false): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (in parentheses) may hold spaces; the fields after it are space-separated.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return (withChildren ? own + Number(fields[13]) + Number(fields[14]) : own) * TICK_MS;
  } catch {
    return null;
  }
}

/** The summed CPU ms of these processes (null if any cannot be read). */
export function cpuMsOf(pids: readonly number[]): number | null {
  let total = 0;
  for (const pid of pids) {
    const ms = cpuOf(pid);
    if (ms === null) return null;
    total += ms;
  }
  return total;
}

/**
 * The summed CPU ms of every running process whose command name is `comm`, with the children they
 * reaped: for `postgres`, the postmaster's reaped children are the backends that ended meanwhile.
 */
export function cpuMsOfCommand(comm: string): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  let total = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
    } catch {
      continue;
    }
    total += cpuOf(Number(entry), true) ?? 0;
  }
  return total;
}

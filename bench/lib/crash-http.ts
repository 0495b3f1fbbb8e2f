/**
 * The HTTP side of test:crash: tRPC calls over loopback the way the browser client makes them
 * (GET with ?input= for queries, POST application/json for mutations, multipart with
 * x-studio-upload for uploads), with every outcome sorted into three kinds:
 *   ok       a 2xx whose body was read and parsed in full: the call is acknowledged;
 *   error    a definite non-2xx answer from the server (refused, nothing to retry blindly);
 *   network  no complete answer (refused/reset connection, cut body, timeout): the outcome is
 *            unknown, so an idempotent call is retried unchanged once the server is back.
 */

export type Outcome<T> =
  | { kind: 'ok'; status: number; data: T }
  | { kind: 'error'; status: number; code: string; message: string; details: unknown }
  | { kind: 'network'; reason: string };

export interface HttpStats {
  calls: number;
  network: number;
  /** 5xx answers: each is worth a look in the server log. */
  serverErrors: { path: string; status: number; message: string }[];
  byPath: Map<string, number>;
  /** Milliseconds of the calls the server answered, by procedure. */
  latency: Map<string, number[]>;
}

export interface Session {
  userId: number;
  username: string;
  cookie: string;
}

const TIMEOUT_MS = 20_000;

function reasonOf(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

export class CrashHttp {
  readonly stats: HttpStats = { calls: 0, network: 0, serverErrors: [], byPath: new Map(), latency: new Map() };

  private turn = 0;

  /**
   * Several bases: each call goes to the next one in turn, as a load balancer without sticky
   * sessions sends it, so a call re-sent after a lost answer usually reaches another instance.
   */
  constructor(private readonly bases: string[]) {}

  private async send<T>(path: string, init: RequestInit): Promise<Outcome<T>> {
    this.stats.calls++;
    const name = path.split('?')[0]!;
    this.stats.byPath.set(name, (this.stats.byPath.get(name) ?? 0) + 1);
    let status: number;
    let text: string;
    const t0 = performance.now();
    try {
      const base = this.bases[this.turn++ % this.bases.length]!;
      const res = await fetch(`${base}/trpc/${path}`, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
      status = res.status;
      text = await res.text();
      const ms = performance.now() - t0;
      const lat = this.stats.latency.get(name);
      if (lat) lat.push(ms);
      else this.stats.latency.set(name, [ms]);
    } catch (err) {
      this.stats.network++;
      return { kind: 'network', reason: reasonOf(err) };
    }
    let body: { result?: { data: T }; error?: { message?: string; data?: { code?: string; details?: unknown }; code?: string } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // A 2xx whose body does not parse was not received whole: unknown outcome, like a reset.
      if (status >= 200 && status < 300) {
        this.stats.network++;
        return { kind: 'network', reason: `unparsable ${status} body` };
      }
      body = { error: { message: text.slice(0, 200) } };
    }
    if (status >= 200 && status < 300 && body.result) return { kind: 'ok', status, data: body.result.data };
    const message = body.error?.message ?? `HTTP ${status}`;
    if (status >= 500) this.stats.serverErrors.push({ path: name, status, message });
    return { kind: 'error', status, code: body.error?.data?.code ?? String(body.error?.code ?? status), message, details: body.error?.data?.details };
  }

  /** "procedure p50/p95 ms" for each procedure called. */
  latencySummary(): string {
    const q = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(f * xs.length))]!;
    return [...this.stats.latency]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([p, xs]) => `${p} ${xs.length}× ${q(xs, 0.5).toFixed(0)}/${q(xs, 0.95).toFixed(0)}`)
      .join(', ');
  }

  query<T>(s: Session, path: string, input?: unknown): Promise<Outcome<T>> {
    const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.send<T>(`${path}${q}`, { method: 'GET', headers: { cookie: s.cookie } });
  }

  mutate<T>(s: Session, path: string, input?: unknown): Promise<Outcome<T>> {
    return this.send<T>(path, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json' },
      body: input === undefined ? undefined : JSON.stringify(input),
    });
  }

  upload<T>(s: Session, path: string, form: FormData): Promise<Outcome<T>> {
    return this.send<T>(path, { method: 'POST', headers: { cookie: s.cookie, 'x-studio-upload': '1' }, body: form });
  }
}

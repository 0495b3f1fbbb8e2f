/** Raw HTTP and tRPC calls on loopback, the way the browser client makes them. */
import http from 'node:http';
import { appRouter } from '../../server/src/routers/root.ts';
import type { RawRequest, RawResponse, TrpcResult } from './types.ts';

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation' } }>;

export function procedureType(path: string): 'query' | 'mutation' {
  const p = procedures[path];
  if (!p) throw new Error(`no procedure ${path}`);
  return p._def.type;
}

/** Bodies above this go out in chunks, as a browser or curl sends them. */
const STREAM_ABOVE = 1024 * 1024;

/**
 * Writes a large body chunk by chunk and stops once the server has answered: a server that refuses
 * it by its Content-Length answers and closes at once, and a client that kept writing into the
 * closed socket would see EPIPE instead of the answer waiting in its receive buffer.
 */
async function streamBody(r: http.ClientRequest, body: Buffer, answered: () => boolean): Promise<void> {
  r.flushHeaders();
  for (let at = 0; at < body.length && !answered() && !r.destroyed; at += 64 * 1024) {
    if (!r.write(body.subarray(at, at + 64 * 1024))) await new Promise((resolve) => r.once('drain', resolve).once('close', resolve));
  }
  if (!r.destroyed) r.end();
}

export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let answered = false;
    const r = http.request(
      { host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.path, headers: req.headers, timeout: req.timeoutMs ?? 30_000 },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - t0 }));
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timeout after ${req.timeoutMs ?? 30_000} ms: ${req.method ?? 'GET'} ${req.path.slice(0, 80)}`)));
    r.on('error', (err: NodeJS.ErrnoException) => {
      // The server may answer (413, 400) and close before the whole body is sent: that is an
      // answer, which the response handler delivers; only a request never answered fails.
      if (!answered) reject(err);
    });
    if (req.body === undefined) r.end();
    else if (req.body.length <= STREAM_ABOVE) r.end(req.body);
    else void streamBody(r, Buffer.from(req.body), () => answered);
  });
}

export function toTrpcResult<T>(res: RawResponse): TrpcResult<T> {
  const text = res.body.toString('utf8');
  let parsed: { result?: { data?: T }; error?: { message?: string; code?: number; data?: { code?: string; httpStatus?: number } } } | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const error = parsed?.error ? { message: parsed.error.message ?? '', code: parsed.error.data?.code ?? String(parsed.error.code ?? res.status), httpStatus: parsed.error.data?.httpStatus } : undefined;
  return { status: res.status, data: parsed?.result?.data, error, text, headers: res.headers, ms: res.ms };
}

export async function trpcCall<T>(port: number, cookie: string | null, path: string, input: unknown, headers: Record<string, string> = {}): Promise<TrpcResult<T>> {
  const base = { ...(cookie ? { cookie } : {}), ...headers };
  if (procedureType(path) === 'query') {
    const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return toTrpcResult<T>(await rawRequest(port, { path: `/trpc/${path}${q}`, headers: base }));
  }
  const body = input === undefined ? undefined : JSON.stringify(input);
  return toTrpcResult<T>(await rawRequest(port, { method: 'POST', path: `/trpc/${path}`, headers: { 'content-type': 'application/json', ...base }, body }));
}

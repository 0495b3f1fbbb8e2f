import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * Which hops may tell us the client's address. Behind the reverse proxy that HTTPS needs, every
 * request arrives from the proxy: keyed on the socket address, all users would share one login
 * allowance (and one guesser could use it up for everyone). With TRUST_PROXY set, the address is
 * read from X-Forwarded-For — but only as far as the hops are trusted: walking from the socket
 * address to the left, each trusted hop hands over to the address it forwarded for, and the first
 * untrusted one is the client. A client cannot forge its way past that, because its own entries
 * sit to the left of the first hop we do not trust.
 *
 * TRUST_PROXY: unset / "0" / "false" = trust nobody (the default); otherwise a comma-separated
 * list of addresses and CIDR ranges, with the shorthands "loopback" (127.0.0.0/8, ::1) and
 * "private" (10/8, 172.16/12, 192.168/16, fc00::/7).
 */
export type TrustedProxies = BlockList | null;

const SHORTHANDS: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Parses the setting; throws with the bad entry named. */
export function parseTrustProxy(value: string | undefined): TrustedProxies {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === '0' || v === 'false' || v === 'off' || v === 'no') return null;
  const list = new BlockList();
  for (const raw of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    for (const entry of SHORTHANDS[raw] ?? [raw]) {
      const [addr, bits] = entry.split('/');
      const family = isIP(addr ?? '');
      if (!family) throw new Error(`TRUST_PROXY: "${raw}" is not an address, a CIDR range, "loopback" or "private"`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) list.addAddress(addr!, type);
      else {
        const prefix = Number(bits);
        if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`TRUST_PROXY: bad prefix length in "${raw}"`);
        list.addSubnet(addr!, prefix, type);
      }
    }
  }
  return list;
}

/** ::ffff:1.2.3.4 (IPv4 on a dual-stack socket) → 1.2.3.4; brackets and zone ids dropped. */
function normalize(addr: string): string {
  let a = addr.trim().replace(/^\[|\]$/g, '');
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return mapped ? mapped[1]! : a;
}

function trusted(list: BlockList, addr: string): boolean {
  const family = isIP(addr);
  return family !== 0 && list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
}

export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, proxies: TrustedProxies): string {
  let client = normalize(req.socket.remoteAddress ?? 'unknown');
  if (!proxies) return client;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map(normalize)
    .filter(Boolean)
    .slice(-20);
  while (trusted(proxies, client) && hops.length) {
    const next = hops.pop()!;
    // A malformed entry ends the walk: what we cannot parse we cannot trust to name a client.
    if (!isIP(next)) break;
    client = next;
  }
  return client;
}

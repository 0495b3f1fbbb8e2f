import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustProxy } from './client-address.ts';

const req = (remote: string, xff?: string | string[]) => ({ socket: { remoteAddress: remote }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as never;

describe('client address behind proxies (TRUST_PROXY)', () => {
  it('off by default: the socket address, whatever the header says', () => {
    expect(clientAddress(req('203.0.113.7', '1.2.3.4'), parseTrustProxy(undefined))).toBe('203.0.113.7');
    expect(clientAddress(req('::ffff:10.0.0.5', '1.2.3.4'), parseTrustProxy('0'))).toBe('10.0.0.5');
  });

  it('reads X-Forwarded-For from trusted hops only, right to left', () => {
    const proxies = parseTrustProxy('10.0.0.0/8, loopback');
    // client → proxy 10.0.0.2 → proxy 10.0.0.1 → us
    expect(clientAddress(req('10.0.0.1', '198.51.100.4, 10.0.0.2'), proxies)).toBe('198.51.100.4');
    // A client that writes its own header cannot get past the first untrusted hop.
    expect(clientAddress(req('10.0.0.1', '127.0.0.1, 6.6.6.6, 198.51.100.4'), proxies)).toBe('198.51.100.4');
    expect(clientAddress(req('10.0.0.1', ['1.1.1.1', '198.51.100.9']), proxies)).toBe('198.51.100.9');
    // A request that did not come through a trusted proxy: the header is ignored.
    expect(clientAddress(req('203.0.113.7', '1.2.3.4'), proxies)).toBe('203.0.113.7');
    // Junk ends the walk at the last address we could trust to name a client.
    expect(clientAddress(req('127.0.0.1', 'not-an-ip'), proxies)).toBe('127.0.0.1');
    expect(clientAddress(req('::1', '2001:db8::5'), proxies)).toBe('2001:db8::5');
  });

  it('refuses settings it cannot parse, naming the entry', () => {
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => parseTrustProxy('proxy.example.com')).toThrow(/proxy\.example\.com/);
  });
});

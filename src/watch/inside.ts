import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * "Inside" addresses: the ones a feed on the public internet must never lead the bot to (a redirect to the cloud
 * metadata address, or a name that resolves to the operator's own network). Loopback (127.0.0.0/8, ::1), private
 * (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with 169.254.169.254, fe80::/10), shared
 * (100.64/10) and unspecified (0.0.0.0, ::); an IPv4-mapped IPv6 address counts as its IPv4 address. Every other
 * address is outside.
 */
const INSIDE_RANGES = new Set(['loopback', 'private', 'uniqueLocal', 'linkLocal', 'carrierGradeNat', 'unspecified']);

export function isInsideAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return INSIDE_RANGES.has(ipaddr.process(address).range());
}

/** How names are resolved: dns.lookup with every address (injectable in tests). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/** The addresses a URL's host stands for: itself when it is an address, else what the name resolves to. */
export async function addressesOf(host: string, resolve: Resolve): Promise<string[]> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare)) return [bare];
  return (await resolve(bare)).map((a) => a.address);
}

/**
 * The `lookup` a socket uses to connect: resolves with `resolve`, and when `allowInside` is false refuses a name
 * whose addresses include an inside one. Checked at connect time, so a name that resolved outside a moment ago
 * and inside now (DNS rebinding) is refused too.
 */
export function guardedLookup(
  resolve: Resolve,
  allowInside: boolean,
  inside: (address: string) => boolean,
): (
  hostname: string,
  options: { all?: boolean },
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
) => void {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const bad = allowInside ? undefined : addresses.find((a) => inside(a.address));
        if (bad) return callback(new InsideAddressError(hostname, bad.address), '', 0);
        const first = addresses[0];
        if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, '', 0),
    );
  };
}

/** A connection that would have gone to an inside address from a feed that is outside. */
export class InsideAddressError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`refused: ${host} is an inside address (${address}), and this feed is outside`);
    this.name = 'InsideAddressError';
  }
}

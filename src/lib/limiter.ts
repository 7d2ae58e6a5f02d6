import ipaddr from 'ipaddr.js';

/**
 * A count per key per minute, in a bounded memory: at most `keys` keys are kept (the oldest dropped first), each key
 * at most `maxKeyChars` characters. For refusals per client address: a flood of refused requests is answered 429
 * before any work, and cannot grow memory however many addresses or tokens it uses.
 */
export class MinuteLimiter {
  private readonly counts = new Map<string, { minute: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly keys = 4096,
    private readonly now: () => number = Date.now,
    private readonly maxKeyChars = 64,
  ) {}

  /** Seconds until `key` may be refused again, when it has used its minute; else undefined. */
  over(key: string): number | undefined {
    const t = this.now();
    const c = this.counts.get(key.slice(0, this.maxKeyChars));
    if (!c || c.minute !== Math.floor(t / 60_000) || c.count < this.perMinute) return undefined;
    return Math.max(1, 60 - Math.floor((t % 60_000) / 1000));
  }

  /** Counts one for `key` this minute. */
  count(key: string): void {
    const k = key.slice(0, this.maxKeyChars);
    const minute = Math.floor(this.now() / 60_000);
    const c = this.counts.get(k);
    const next = c && c.minute === minute ? c.count + 1 : 1;
    this.counts.delete(k);
    if (this.counts.size >= this.keys) {
      const oldest = this.counts.keys().next();
      if (!oldest.done) this.counts.delete(oldest.value);
    }
    this.counts.set(k, { minute, count: next });
  }

  get size(): number {
    return this.counts.size;
  }
}

/**
 * The client's address: the socket's, or, when the socket's is a proxy the settings trust (TRUSTED_PROXIES), the
 * last address the forwarded chain names that is not itself a trusted proxy.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: ReadonlySet<string>,
): string {
  const own = normalAddress(socketAddress ?? '');
  if (!trusted.has(own) || forwardedFor === undefined) return own;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .slice(0, 1000)
    .split(',')
    .map((a) => normalAddress(a.trim()))
    .filter((a) => a !== '');
  for (let i = chain.length - 1; i >= 0; i -= 1) {
    const a = chain[i] as string;
    if (!trusted.has(a)) return a.slice(0, 64);
  }
  return own;
}

/** An address as one spelling (::ffff:127.0.0.1 is 127.0.0.1), so a trusted proxy is recognised however written. */
export function normalAddress(address: string): string {
  return ipaddr.isValid(address) ? ipaddr.process(address).toString() : address.slice(0, 64);
}

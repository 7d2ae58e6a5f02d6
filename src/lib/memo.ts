/**
 * The one memo helper: a bounded map from key to value, with an optional time to live. Past `max` entries, expired
 * entries go first, then the oldest (a Map iterates in insertion order), so it never grows past `max`.
 *
 * What the bot remembers and why is in the README (Layout, "Caches"); every cache there is one of these, except
 * the reply cache (commands/handle.ts), which is dropped whole when the recorded state or the minute changes.
 */
export class Memo<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly max: number,
    private readonly ttlMs = Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) {
      const now = this.now();
      for (const [k, e] of this.entries) if (e.until <= now) this.entries.delete(k);
      while (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as K);
    }
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
  }

  /** The value for `key`, made and remembered when missing. */
  getOrMake(key: K, make: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    this.set(key, value);
    return value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

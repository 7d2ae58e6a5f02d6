/**
 * The pace of writes to GitHub. GitHub allows "no more than 80 content-generating requests per minute and no more
 * than 500 content-generating requests per hour" (docs.github.com, Rate limits for the REST API, secondary rate
 * limits): writes here are at least `intervalMs` apart (one a second by default, under 80 a minute) and at most
 * `perWindow` in any `windowMs` (500 an hour). Kept by the one sender that holds the lease; a Retry-After from GitHub
 * holds the sender as well, for what another tool on the same token spends.
 */
export class WritePace {
  private readonly recent: number[] = [];

  constructor(
    private readonly o: { intervalMs: number; perWindow: number; windowMs: number },
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** How long the next write must wait from now. */
  waitMs(): number {
    const now = this.now();
    const last = this.recent.at(-1);
    let wait = last === undefined ? 0 : last + this.o.intervalMs - now;
    if (this.recent.length >= this.o.perWindow) {
      const oldest = this.recent[this.recent.length - this.o.perWindow] as number;
      wait = Math.max(wait, oldest + this.o.windowMs - now);
    }
    return Math.max(0, wait);
  }

  /** Waits for the next write's turn, and takes it. */
  async turn(): Promise<void> {
    const wait = this.waitMs();
    if (wait > 0) await this.sleep(wait);
    this.recent.push(this.now());
    if (this.recent.length > this.o.perWindow) this.recent.shift();
  }
}

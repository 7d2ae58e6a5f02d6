/**
 * Work started after a listener has answered Slack (a Home tab refresh, a confirmation). Tracked so a stop can
 * wait for it to finish instead of cutting it off half-way.
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  /** Runs `work` in the background; its failure is the work's own business (it logs), never the caller's. */
  track(work: Promise<unknown>): void {
    const p = work.catch(() => undefined).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves once everything tracked so far (and anything it started) has finished. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { AdminCheckError } from '../lib/errors';

/** How long a users.info answer is trusted. */
export const ADMIN_CACHE_MS = 5 * 60_000;
/** Users remembered at most; past it, expired answers go first, then the oldest. */
export const ADMIN_CACHE_ENTRIES = 10_000;

/**
 * Who may record answers and updates: the data set's `admins:` plus the workspace's admins and owners
 * (users.info, cached for a few minutes so a burst of commands costs one call per user).
 */
export class AdminDirectory {
  private readonly cache = new Map<string, { admin: boolean; until: number }>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly listed: readonly string[],
    private readonly log: Logger,
    private readonly realNow: () => number = Date.now,
  ) {}

  /**
   * Whether the user is an admin. Throws AdminCheckError when Slack cannot say (users.info failed, timed out or was
   * rate limited): the caller decides, since a read may go on as for a non-admin while a change must not.
   */
  async isAdmin(userId: string): Promise<boolean> {
    if (this.listed.includes(userId)) return true;
    const now = this.realNow();
    const cached = this.cache.get(userId);
    if (cached && cached.until > now) return cached.admin;
    let admin: boolean;
    try {
      const res = await this.client.users.info({ user: userId });
      const u = res.user;
      admin = Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner);
    } catch (error) {
      this.log.warn({ err: error, user: userId }, 'users.info failed; cannot confirm whether the user is an admin');
      throw new AdminCheckError({ cause: error });
    }
    this.remember(userId, admin, now);
    return admin;
  }

  private remember(userId: string, admin: boolean, now: number): void {
    this.cache.delete(userId);
    if (this.cache.size >= ADMIN_CACHE_ENTRIES) {
      for (const [id, entry] of this.cache) if (entry.until <= now) this.cache.delete(id);
      // Still full: drop the oldest (a Map iterates in insertion order).
      while (this.cache.size >= ADMIN_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    }
    this.cache.set(userId, { admin, until: now + ADMIN_CACHE_MS });
  }

  /** Users remembered now (tests and the soak). */
  get size(): number {
    return this.cache.size;
  }
}

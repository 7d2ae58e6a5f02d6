import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';

/** How long a users.info answer is trusted. */
export const ADMIN_CACHE_MS = 5 * 60_000;

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

  async isAdmin(userId: string): Promise<boolean> {
    if (this.listed.includes(userId)) return true;
    const cached = this.cache.get(userId);
    if (cached && cached.until > this.realNow()) return cached.admin;
    try {
      const res = await this.client.users.info({ user: userId });
      const u = res.user;
      const admin = Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner);
      this.cache.set(userId, { admin, until: this.realNow() + ADMIN_CACHE_MS });
      return admin;
    } catch (error) {
      // Failing closed: without an answer from Slack nobody but the listed admins may change anything.
      this.log.warn({ err: error, user: userId }, 'users.info failed; treating the user as not an admin');
      return false;
    }
  }
}

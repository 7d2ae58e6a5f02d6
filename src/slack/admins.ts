import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { AdminCheckError } from '../lib/errors';
import { Memo } from '../lib/memo';

/** How long a users.info answer is trusted. */
export const ADMIN_CACHE_MS = 5 * 60_000;
/** Users remembered at most; past it, expired answers go first, then the oldest. */
export const ADMIN_CACHE_ENTRIES = 10_000;

/**
 * Who is an admin of an incident: its data set's `admins:`, the people SUMMIT_ADMINS names (admins of every
 * incident), and the workspace's admins and owners (users.info, cached for a few minutes so a burst of commands
 * costs one call per user, whichever incidents they are about).
 */
export class AdminDirectory {
  constructor(
    private readonly client: webApi.WebClient,
    /** Admins of every incident (SUMMIT_ADMINS). */
    private readonly everywhere: readonly string[],
    private readonly log: Logger,
    realNow: () => number = Date.now,
  ) {
    this.cache = new Memo(ADMIN_CACHE_ENTRIES, ADMIN_CACHE_MS, realNow);
  }

  private readonly cache: Memo<string, boolean>;

  /**
   * Whether the user is an admin. Throws AdminCheckError when Slack cannot say (users.info failed, timed out or was
   * rate limited): the caller decides, since a read may go on as for a non-admin while a change must not.
   */
  /** Whether the user is an admin when that is known without asking Slack, else undefined. */
  knownAdmin(userId: string, listed: readonly string[] = []): boolean | undefined {
    return this.everywhere.includes(userId) || listed.includes(userId) ? true : this.cache.get(userId);
  }

  /** Whether the user is an admin of the incident whose data set lists `listed`. */
  async isAdmin(userId: string, listed: readonly string[] = []): Promise<boolean> {
    if (this.everywhere.includes(userId) || listed.includes(userId)) return true;
    const cached = this.cache.get(userId);
    if (cached !== undefined) return cached;
    let admin: boolean;
    try {
      const res = await this.client.users.info({ user: userId });
      const u = res.user;
      admin = Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner);
    } catch (error) {
      this.log.warn({ err: error, user: userId }, 'users.info failed; cannot confirm whether the user is an admin');
      throw new AdminCheckError({ cause: error });
    }
    this.cache.set(userId, admin);
    return admin;
  }

  /** Users remembered now (tests and the soak). */
  get size(): number {
    return this.cache.size;
  }
}

import { linkUrl } from '../../lib/links';
import { linkReply, linksOffReply, linksRevokedReply } from '../../views/links';
import * as followUp from '../../views/follow-up';
import type { Handler } from '../types';
import { firstTime, read } from './common';

/** The longest a link may be asked to hold, in days; the default. */
export const MAX_LINK_DAYS = 365;
export const DEFAULT_LINK_DAYS = 30;

/**
 * `/summit link [Nd|revoke]` and `/summit calendar`: a link with a token for this incident's page or calendar
 * (lib/links.ts), valid 30 days unless asked otherwise; `revoke` refuses every link given so far. The reply is
 * ephemeral, like every reply, and never shareable.
 */
export const link: Handler<'link' | 'calendar'> = async (cmd, { ctx, incident, usage }) => {
  const web = ctx.links;
  if (!web) return read(linksOffReply());
  if (cmd.name === 'link' && cmd.revoke) {
    if (!(await ctx.isAdmin())) return read(followUp.refusalReply('revoke links', incident.admins));
    if (!(await firstTime(ctx))) return read(followUp.replayReply());
    await ctx.store.revokeLinks(ctx.actor, ctx.now);
    return { reply: linksRevokedReply(incident.id), changed: true };
  }
  const days = cmd.name === 'link' ? (cmd.days ?? DEFAULT_LINK_DAYS) : DEFAULT_LINK_DAYS;
  if (days < 1 || days > MAX_LINK_DAYS) return usage(`a link holds 1 to ${MAX_LINK_DAYS} days (such as 7d)`);
  // Given a millisecond after the latest revocation at the earliest, so a link given right after one holds.
  const issuedAt = ctx.now.getTime();
  const expiresAt = issuedAt + days * 86_400_000;
  const url = linkUrl(
    web,
    { incident: incident.id, issuedAt, expiresAt },
    cmd.name === 'calendar' ? 'calendar' : 'page',
  );
  return read(linkReply(cmd.name === 'calendar' ? 'calendar' : 'page', incident, url, new Date(expiresAt), days));
};

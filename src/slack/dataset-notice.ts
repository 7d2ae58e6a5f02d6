import { createHash } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { BrokenFile, Catalog } from '../incident/catalog';
import type { FollowUpStore } from '../store/repository';
import { brokenFileNotice } from '../views/incidents';
import { toSlackMessage } from '../views/render-slack';

/**
 * Tells an incident's admins (the data set's, and SUMMIT_ADMINS) by DM that its data set file changed and fails
 * the checks, once: every replica finds the same broken file, and the first to claim it (in the store) sends it.
 * A file that never passed has no incident: SUMMIT_ADMINS alone are told.
 */
export async function noticeBrokenFiles(
  o: { client: webApi.WebClient; store: FollowUpStore; catalog: Catalog; admins: readonly string[]; log: Logger },
  broken: readonly BrokenFile[],
): Promise<void> {
  for (const b of broken) {
    const incident = b.incidentId === undefined ? undefined : o.catalog.get(b.incidentId);
    const to = [...new Set([...(incident?.admins ?? []), ...o.admins])];
    const what = createHash('sha256')
      .update(`${b.file}\n${b.findings.join('\n')}`)
      .digest('hex')
      .slice(0, 32);
    if (to.length === 0 || !(await o.store.claimRequest(`dataset-findings:${what}`))) continue;
    const message = toSlackMessage(brokenFileNotice(b));
    for (const user of to)
      await o.client.chat
        .postMessage({ channel: user, ...message })
        .catch((error: unknown) =>
          o.log.warn({ err: error, user }, 'could not tell an admin of a broken data set file'),
        );
  }
}

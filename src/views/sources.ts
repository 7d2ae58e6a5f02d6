import { MAX_POSTS_PER_POLL, type ReminderAbout } from '../core/plan';
import type { Feed } from '../incident/model';
import type { FeedState, SeenItem, Triage } from '../store/feeds';
import {
  actions,
  bold,
  code,
  date,
  header,
  link,
  list,
  note,
  paragraph,
  user,
  type DocBlock,
  type Line,
  type Reply,
} from './doc';
import { ACTIONS } from './ids';
import { moreItemsTitle } from './reminder';

type SourceAbout = Extract<ReminderAbout, { kind: 'source' }>;

/** "New from <publisher>: <title>", the title linked when the item has a link. */
function headline(publisher: string, item: { title: string; link?: string }): DocBlock {
  return paragraph(bold(`New from ${publisher}: `), item.link ? link(item.link, item.title) : item.title);
}

/** "New from <publisher>: <title>", with its link, date, the words it matched, and the triage buttons. */
export function sourceItemReply(item: SourceAbout, zone: string): Reply {
  if (item.more !== undefined) {
    // The bound on one poll: the rest in one message, with where to see them; nothing to triage here.
    const text = moreItemsTitle(item.publisher, item.more);
    return {
      summary: text,
      blocks: [
        paragraph(
          bold(`And ${item.more} more new item${item.more === 1 ? '' : 's'} from ${item.publisher}`),
          ' (one check found more than ',
          String(MAX_POSTS_PER_POLL),
          ' at once). ',
          code('/summit sources'),
          ' lists them.',
        ),
      ],
    };
  }
  const title = `New from ${item.publisher}: ${item.title}`;
  const about: Line = [];
  if (item.published) about.push('Published ', date(item.published, zone));
  if (item.matched.length > 0) about.push(about.length > 0 ? ' · ' : '', `matched: ${item.matched.join(', ')}`);
  const blocks: DocBlock[] = [headline(item.publisher, item)];
  if (about.length > 0) blocks.push(note(...about));
  blocks.push(
    actions(
      { actionId: ACTIONS.sourceRecordUpdate, text: 'Record as update', value: item.itemRef, style: 'primary' },
      { actionId: ACTIONS.sourceAnswer, text: 'Answers a question', value: item.itemRef },
      { actionId: ACTIONS.sourceAddAsSource, text: 'Add as source', value: item.itemRef },
      { actionId: ACTIONS.sourceDismiss, text: 'Not relevant', value: item.itemRef },
    ),
  );
  return { summary: title, blocks };
}

/** The post once someone said it is not relevant: the item, and who dismissed it and when; no buttons. */
export function dismissedItemReply(item: SeenItem, publisher: string, by: string, at: Date, zone: string): Reply {
  return {
    summary: `New from ${publisher}: ${item.title} (not relevant)`,
    blocks: [headline(publisher, item), note('Marked not relevant by ', user(by), ', ', date(at, zone, true), '.')],
  };
}

export function dismissedReply(): Reply {
  return { summary: 'Marked not relevant.', blocks: [paragraph('Marked not relevant. The post now says so.')] };
}

export function alreadyTriagedReply(t: Triage): Reply {
  const what =
    t.action === 'dismissed'
      ? 'marked not relevant'
      : t.action === 'update'
        ? 'recorded as an update'
        : t.action === 'source'
          ? 'added as a source'
          : 'recorded as an answer';
  return {
    summary: `That item was already ${what} by ${t.actor.name}.`,
    blocks: [paragraph(`That item was already ${what} by `, user(t.actor.id), '. Nothing was changed.')],
  };
}

export function noSuchItemReply(): Reply {
  return {
    summary: 'That item is no longer known.',
    blocks: [paragraph('That item is no longer known. Nothing was changed.')],
  };
}

export interface SourcesData {
  feeds: { feed: Feed; state?: FeedState; latest: SeenItem[] }[];
  triage: Map<string, Triage>;
  now: Date;
  zone: string;
}

function triageText(t: Triage | undefined, item: SeenItem, baselineAt: Date | undefined): string {
  if (t)
    return t.action === 'dismissed'
      ? 'not relevant'
      : t.action === 'update'
        ? 'recorded as an update'
        : t.action === 'source'
          ? 'added as a source'
          : 'recorded as an answer';
  if (item.post) return 'posted, not triaged';
  if (item.held) return 'matched, held back (more new at once than one check posts; counted in an "and N more" post)';
  if (baselineAt !== undefined && item.seenAt <= baselineAt) return 'already there at the first check (not posted)';
  return 'did not match (not posted)';
}

/** /summit sources: each watched feed, when it was last checked, its last error, and its latest items. */
export function sourcesReply({ feeds, triage, now, zone }: SourcesData): Reply {
  if (feeds.length === 0)
    return {
      summary: 'No feed is watched.',
      blocks: [paragraph('No feed is watched. The data set’s ', code('watch:'), ' section lists feeds to watch.')],
    };
  const blocks: DocBlock[] = [header('Watched sources')];
  for (const { feed, state, latest } of feeds) {
    const checked: Line = state?.checkedAt ? ['last checked ', date(state.checkedAt, zone, true)] : ['not checked yet'];
    blocks.push(
      paragraph(
        bold(feed.publisher),
        ` (${feed.id}) — `,
        ...checked,
        feed.match.length > 0 ? ` · matching ${feed.match.join(', ')}` : ' · every item',
      ),
    );
    if (state?.lastError) blocks.push(note('Last error: ', state.lastError));
    if (latest.length > 0)
      blocks.push(
        list(
          latest.map((i) => [
            i.link ? link(i.link, i.title) : i.title,
            ' — ',
            triageText(triage.get(i.itemRef), i, state?.baselineAt),
          ]),
        ),
      );
  }
  blocks.push(note('As of ', date(now, zone, true), '.'));
  return {
    summary: `${feeds.length} watched feed${feeds.length === 1 ? '' : 's'}${feeds.some((f) => f.state?.lastError) ? ', some failing' : ''}.`,
    blocks,
    share: 'sources',
  };
}

import type { Generated } from 'kysely';

/**
 * The stored follow-up state. Every table is append-only: the current state of a question is derived by
 * replaying its changes on top of the data set, so nothing a user recorded is ever overwritten.
 * Times are ISO-8601 strings made by the application (the bot's clock), identical on every dialect.
 */
export interface QuestionChangeTable {
  /** The incident it belongs to (migration 0008: earlier records belong to the upgrade's incident). */
  incident_id: string;
  id: Generated<number>;
  question_id: string;
  status: 'open' | 'partial' | 'answered' | 'dropped' | 'superseded';
  answer: string | null;
  source_url: string | null;
  /** Why it was reopened or not pursued. */
  note: string | null;
  /** The question that supersedes it (status superseded). */
  superseded_by: string | null;
  actor_id: string;
  actor_name: string;
  at: string;
}

export interface AddedQuestionTable {
  /** The incident it belongs to (migration 0008: earlier records belong to the upgrade's incident). */
  incident_id: string;
  question_id: string;
  text: string;
  actor_id: string;
  actor_name: string;
  at: string;
  /** Tracked from a Slack message: its conversation and ts (unique together), permalink and author. */
  source_channel: string | null;
  source_ts: string | null;
  source_url: string | null;
  source_author: string | null;
}

/** Who owns a question and when it is due: each change a row, the latest one counts. */
export interface AssignmentTable {
  /** The incident it belongs to (migration 0008: earlier records belong to the upgrade's incident). */
  incident_id: string;
  id: Generated<number>;
  question_id: string;
  field: 'owner' | 'due' | 'issue';
  /** A Slack user id, a date YYYY-MM-DD, or an issue's web address; null clears it. */
  value: string | null;
  actor_id: string;
  actor_name: string;
  at: string;
}

export interface UpdateTable {
  /** The incident it belongs to (migration 0008: earlier records belong to the upgrade's incident). */
  incident_id: string;
  id: Generated<number>;
  expected_id: string | null;
  text: string;
  url: string | null;
  actor_id: string;
  actor_name: string;
  at: string;
}

export interface AuditTable {
  /** The incident it belongs to (migration 0008: earlier records belong to the upgrade's incident). */
  incident_id: string;
  id: Generated<number>;
  at: string;
  actor_id: string;
  action: string;
  subject: string;
  /** JSON of what changed. */
  detail: string;
}

/** Who receives reminders: a channel, or a person by DM. One row per target; its status changes over time. */
export interface SubscriptionTable {
  /** The incident it belongs to (migration 0008: earlier records belong to the upgrade's incident). */
  incident_id: string;
  target_kind: 'channel' | 'user' | 'console';
  target_id: string;
  status: 'active' | 'removed' | 'broken' | 'disabled';
  status_reason: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/**
 * One reminder to one target. The (reminder_key, target) key is unique: claiming the row before posting is what
 * makes delivery exactly-once across restarts and replicas.
 */
export interface DeliveryTable {
  /** The incident it belongs to (migration 0008: earlier records belong to the upgrade's incident). */
  incident_id: string;
  reminder_key: string;
  target: string;
  status: 'claimed' | 'sent' | 'retry' | 'skipped' | 'failed';
  attempts: number;
  lease_until: string | null;
  next_attempt_at: string | null;
  channel: string | null;
  message_ts: string | null;
  detail: string | null;
  updated_at: string;
  /**
   * When a post of it was last begun (migration 0015), cleared when an attempt is known to have posted nothing:
   * set, an attempt may have reached Slack and whoever takes the claim over looks in the channel's history first.
   */
  posting_at?: string | null;
}

export interface SnoozeTable {
  /** The incident it belongs to (migration 0008: earlier records belong to the upgrade's incident). */
  incident_id: string;
  series: string;
  target: string;
  until: string;
  actor_id: string;
  at: string;
}

export interface SchedulerStateTable {
  name: string;
  value: string;
}

/** Signed requests that changed something, kept a little longer than Slack's five-minute signature window. */
export interface RequestSeenTable {
  request_key: string;
  seen_at: string;
}

/** What the bot knows of each watched feed: for conditional GETs, backoff and /summit sources. */
export interface FeedStateTable {
  /** The incident it belongs to (migration 0008: earlier records belong to the upgrade's incident). */
  incident_id: string;
  feed_id: string;
  etag: string | null;
  last_modified: string | null;
  checked_at: string | null;
  /** The first successful poll: what the feed held then was recorded as seen and not posted. */
  baseline_at: string | null;
  last_error: string | null;
  failures: number;
  next_poll_at: string | null;
}

/** Every item seen in a feed, once (by guid, else link); matched ones after the baseline are posted. */
export interface FeedItemTable {
  /** The incident it belongs to (migration 0008: earlier records belong to the upgrade's incident). */
  incident_id: string;
  feed_id: string;
  item_key: string;
  /** A short stable reference used in buttons and message metadata. */
  item_ref: string;
  title: string;
  link: string | null;
  published: string | null;
  /** JSON array of the match words found; [] when none matched. */
  matched: string;
  /** Posted to subscribed targets: seen after the baseline, and matched. */
  post: number;
  seen_at: string;
  /** 1: it matched, but one poll found more new items than it may post, so it was held back (listed only). */
  held: number;
  /** On a poll's summary row alone ("and N more new items"): how many were held back. Null on items. */
  more_count: number | null;
}

/** What someone decided about a posted item: recorded as an update, as an answer, or not relevant. Append-only. */
export interface FeedTriageTable {
  /** The incident it belongs to (migration 0008: earlier records belong to the upgrade's incident). */
  incident_id: string;
  id: Generated<number>;
  item_ref: string;
  action: 'update' | 'answer' | 'dismissed' | 'source';
  detail: string | null;
  actor_id: string;
  actor_name: string;
  at: string;
}

/** Which incident a channel follows: each follow or unfollow a row (incident_id null), the latest one counts. */
export interface ChannelFollowTable {
  id: Generated<number>;
  channel_id: string;
  incident_id: string | null;
  actor_id: string;
  actor_name: string;
  at: string;
}

export interface Database {
  question_change: QuestionChangeTable;
  added_question: AddedQuestionTable;
  assignment: AssignmentTable;
  follow_up_update: UpdateTable;
  audit: AuditTable;
  subscription: SubscriptionTable;
  delivery: DeliveryTable;
  snooze: SnoozeTable;
  scheduler_state: SchedulerStateTable;
  request_seen: RequestSeenTable;
  feed_state: FeedStateTable;
  feed_item: FeedItemTable;
  /** One row (id 1): how many audit rows were written, kept by a trigger; PostgreSQL's state version. */
  state_version: { id: number; v: number | string };
  feed_triage: FeedTriageTable;
  channel_follow: ChannelFollowTable;
  /** When an incident's page links were revoked (links given before are refused). */
  link_revocation: {
    id: Generated<number>;
    incident_id: string;
    revoked_at: string;
    actor_id: string;
    actor_name: string;
  };
  /** Per incident: how many audit rows it has, kept by a trigger (migration 0008); its own state version. */
  incident_version: { incident_id: string; v: number | string };
  curation: CurationTable;
  started_incident: StartedIncidentTable;
  /** A command held while its author chooses the incident it is about (migration 0014). */
  held_command: { ref: string; user_id: string; text: string; held_at: string };
  tracker_link: TrackerLinkTable;
  tracker_delivery: { delivery_id: string; state: 'applying' | 'done'; received_at: string };
  tracker_poll: { repo: string; etag: string | null; since: string | null; polled_at: string | null };
  tracker_lease: { name: string; holder: string; until: string };
}

/** A question's issue in a tracker, made or to be made (migration 0016). */
export interface TrackerLinkTable {
  incident_id: string;
  question_id: string;
  repo: string;
  /** creating: asked for, not made yet; linked: made (number, url); gone: deleted in the tracker; refused. */
  state: 'creating' | 'linked' | 'gone' | 'refused';
  number: number | null;
  url: string | null;
  title: string;
  body: string;
  /** JSON array. */
  labels: string;
  actor_id: string;
  actor_name: string;
  requested_at: string;
  attempts: Generated<number>;
  next_at: string;
  begun_at: string | null;
  last_error: string | null;
  change_cursor: number;
  assignment_cursor: number;
}

/** An incident started in Slack with /summit new (migration 0011): what its form said, who started it and when. */
export interface StartedIncidentTable {
  incident_id: string;
  title: string;
  summary: string;
  timezone: string;
  /** Where its questions become issues (owner/name), if its form named a repository (migration 0017). */
  github_repo: string | null;
  actor_id: string;
  actor_name: string;
  at: string;
}

/** A source, fact, timeline entry or expected update added, corrected or retracted in Slack (migration 0010). */
export interface CurationTable {
  id: Generated<number>;
  incident_id: string;
  kind: 'source' | 'fact' | 'timeline' | 'expected' | 'event';
  item_id: string;
  action: 'add' | 'correct' | 'retract';
  /** The entry as submitted, JSON in the data set's shape; null for a retraction. */
  entry: string | null;
  /** The fingerprint of the version corrected or retracted. */
  base: string | null;
  reason: string | null;
  actor_id: string;
  actor_name: string;
  at: string;
}

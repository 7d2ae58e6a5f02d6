import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { parseCron } from '../lib/cron';
import { isHttpUrl } from '../lib/urls';

/**
 * The data set's schema: what a person writes in config/*.yaml. Cross-references (source ids, unique ids, order
 * of history) are checked here too, so one validation pass reports every problem with its field path.
 */

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be letters, digits, "-", "_" or "." (at most 64), like cs-pir');

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar date, YYYY-MM-DD. */
export const isoDate = z.string().superRefine((s, ctx) => {
  const problem = isoDateProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** What is wrong with a YYYY-MM-DD date, if anything: one sentence with the fix (2024-9-10: "write it as 2024-09-10"). */
export function isoDateProblem(s: string): string | undefined {
  if (!DATE_RE.test(s)) {
    const loose = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s.trim());
    if (loose) {
      const padded = `${loose[1]}-${(loose[2] as string).padStart(2, '0')}-${(loose[3] as string).padStart(2, '0')}`;
      if (DateTime.fromISO(padded).isValid) return `must be a date written YYYY-MM-DD: write it as ${padded}`;
    }
    return 'must be a date written YYYY-MM-DD, such as 2024-09-10';
  }
  return DateTime.fromISO(s).isValid ? undefined : `is not a real calendar date (${s})`;
}
/** A date (YYYY-MM-DD) or a date and time (2024-07-19T04:09:00Z); with no offset it is read in the event's zone. */
export const dateOrInstant = z
  .string()
  .refine(
    (s) => DateTime.fromISO(s, { setZone: true }).isValid,
    'must be a date (YYYY-MM-DD) or an ISO-8601 date and time (2024-07-19T04:09:00Z)',
  );
/** A link: http(s), at most 2,000 characters (what Slack's forms and the commands take too). */
const httpUrl = z
  .string()
  .max(2000, 'must be at most 2,000 characters')
  .refine(isHttpUrl, 'must be an http:// or https:// URL');

/** A duration such as 30m, 2h or 14d. */
export const duration = z.string().regex(/^\d{1,4}[mhd]$/, 'must be a duration such as 30m, 2h or 14d');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as "09:00"');
const zoneName = z
  .string()
  .refine((z) => IANAZone.isValidZone(z), 'must be an IANA time zone such as America/Los_Angeles');

/** Nudges from a date: at `time`, then every `every`, at most `max` times. */
const nudges = z
  .union([
    z.literal(false),
    z.strictObject({ every: duration, max: z.number().int().min(1).max(100), time: clockTime.default('09:00') }),
  ])
  .optional();

const remindersSchema = z.strictObject({
  timezone: zoneName.optional(),
  countdown: z
    .union([
      z.literal(false),
      z.strictObject({
        offsets: z.array(duration).min(1, 'list at least one offset, such as [7d, 1d, 0d]'),
        time: clockTime.default('09:00'),
      }),
    ])
    .optional(),
  updates: nudges,
  /** Chasing the owners of questions from their due date, the same shape as updates. */
  questions: nudges,
  digest: z
    .union([
      z.literal(false),
      z.strictObject({
        cron: z.string().superRefine((c, ctx) => {
          const r = parseCron(c);
          if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
        }),
        until: duration,
      }),
    ])
    .optional(),
  catchUp: duration.default('6h'),
});

/** A Slack user id. */
const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id such as U0123ABCD');

/** Who added an entry in Slack, and when (written by the export; a person writing a data set leaves it out). */
/** Who recorded an entry: a Slack user, or `console` (the local admin of the console front end). */
const recordedSchema = z.strictObject({
  at: dateOrInstant,
  by: z
    .string()
    .refine(
      (v) => /^[UW][A-Z0-9]{2,}$/.test(v) || v === 'console',
      'must be a Slack user id such as U0123ABCD, or console',
    ),
  name: text(100),
});
/**
 * From `at` on the entry is no longer shown: a correction replaced it (reason "corrected") or it was retracted. A
 * withdrawn entry stays in the data set, so "as of" an earlier moment still shows it.
 */
const withdrawnSchema = z.strictObject({ at: dateOrInstant, reason: text(300).optional() });

/** What a source, fact, timeline entry or expected update may carry besides its own fields. */
const versioned = { recorded: recordedSchema.optional(), withdrawn: withdrawnSchema.optional() };

export const sourceSchema = z.strictObject({
  id,
  title: text(300),
  publisher: text(200),
  author: text(200).optional(),
  date: isoDate,
  url: httpUrl,
  ...versioned,
});

export const factSchema = z
  .strictObject({
    /** Its short id (how /summit correct names it); default: made from its topic and text. */
    id: id.optional(),
    topic: id,
    text: text(1500),
    source: id,
    /** When the fact became known; default: its source's date. Facts are hidden before then. */
    since: dateOrInstant.optional(),
    /** From this date (or instant) on, `then:` is shown instead of `text:` (tense follows time). */
    until: dateOrInstant.optional(),
    then: text(1500).optional(),
    ...versioned,
  })
  .superRefine((f, ctx) => {
    if ((f.until === undefined) !== (f.then === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [f.until === undefined ? 'until' : 'then'],
        message: 'until: and then: go together: from until: on, then: is shown instead of text:',
      });
  });

export const timelineSchema = z.strictObject({
  /** Its short id (how /summit correct names it); default: made from its time and text. */
  id: id.optional(),
  at: dateOrInstant,
  text: text(1000),
  source: id,
  /** When the entry became known; default: the later of its own time and its source's date. */
  since: dateOrInstant.optional(),
  ...versioned,
});

export const eventSchema = z
  .strictObject({
    name: text(150),
    date: isoDate.optional(),
    start: dateOrInstant.optional(),
    end: dateOrInstant.optional(),
    timezone: zoneName,
    location: text(300),
    hosts: z.array(text(150)).min(1, 'must name at least one host'),
    audience: text(500).optional(),
    topics: z.array(text(300)).default([]),
    source: id,
    /** When it became known; default: its source's date (a correction made in Slack: the moment it was made). */
    since: dateOrInstant.optional(),
    ...versioned,
  })
  .superRefine((e, ctx) => {
    if ((e.date === undefined) === (e.start === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['date'],
        message: 'give either date: (an all-day event) or start: (a timed event), not both or neither',
      });
    if (e.end !== undefined && e.start === undefined)
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'end: needs start: (an all-day event has date: alone)' });
  });

const receivedSchema = z.strictObject({ at: dateOrInstant, source: id, note: text(1000).optional() });

export const expectedUpdateSchema = z.strictObject({
  id,
  text: text(500),
  expected: isoDate,
  /** The source gave no date: `expected:` is the data set's own estimate, and is shown as one. */
  estimated: z.boolean().default(false),
  source: id,
  /** When it became known; default: its source's date. */
  since: dateOrInstant.optional(),
  received: receivedSchema.optional(),
  ...versioned,
});

const statusSchema = z.enum(['open', 'partial', 'answered', 'dropped', 'superseded']);
const QUESTION_ID = z.string().regex(/^Q[1-9]\d{0,3}$/, 'must be Q followed by a number, like Q1');
const historySchema = z
  .strictObject({
    status: statusSchema,
    at: dateOrInstant,
    answer: text(2000).optional(),
    note: text(1000).optional(),
    source: id.optional(),
    /** status superseded: the question that takes its place. */
    supersededBy: QUESTION_ID.optional(),
  })
  .superRefine((h, ctx) => {
    if (h.status === 'dropped' && h.note === undefined)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'a dropped entry needs note: (why it is not pursued)' });
    if ((h.status === 'superseded') !== (h.supersededBy !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['supersededBy'],
        message: 'supersededBy: (a question id) goes with status superseded, and only with it',
      });
    if (h.status !== 'partial' && h.status !== 'answered') return;
    if (h.answer === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['answer'],
        message: `${h.status === 'answered' ? 'an answered' : 'a partial'} entry needs answer: (what is known)`,
      });
    if (h.source === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['source'],
        message: `${h.status === 'answered' ? 'an answered' : 'a partial'} entry needs source: (the id of the source that says so)`,
      });
  });

const questionSchema = z.strictObject({
  id: QUESTION_ID,
  text: text(500),
  history: z.array(historySchema).default([]),
  /** Who owns it: a Slack user id. */
  owner: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id such as U0123ABCD')
    .optional(),
  /** When it is due (a date); chased from then on if reminders.questions is set. */
  due: isoDate.optional(),
});

/** A feed to watch: RSS 2.0 or Atom, polled every `every` (at least a minute), items matched against `match`. */
const watchSchema = z.strictObject({
  id,
  url: httpUrl,
  publisher: text(200),
  every: z
    .string()
    .default('15m')
    .superRefine((d, ctx) => {
      if (/^\d+\s*(s|sec|secs|seconds?)$/.test(d) || /^0+[mhd]$/.test(d))
        ctx.addIssue({
          code: 'custom',
          message: `the shortest interval is 1m, not "${d}": write 1m or more, such as 15m`,
        });
      else if (!/^\d{1,4}[mhd]$/.test(d))
        ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30m, 2h or 14d' });
    }),
  /** Words or phrases, any case, against each item's title and summary; none: every item. */
  match: z.array(text(100)).max(50).optional(),
});

/** A GitHub login: 1-39 characters of letters, digits and single hyphens, not first or last. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/**
 * The repository an incident's questions become issues in. Labels must exist in it (GitHub refuses an issue with an
 * unknown one); `people` maps GitHub logins to Slack user ids, so an owner set on either side is the same person.
 */
const githubSchema = z.strictObject({
  repo: z
    .string()
    .regex(
      /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/,
      'must be owner/name of a GitHub repository, such as example-org/incident-follow-ups',
    ),
  labels: z.array(text(50)).max(10).default([]),
  people: z
    .record(z.string(), z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id such as U0123ABCD'))
    .superRefine((people, ctx) => {
      for (const login of Object.keys(people))
        if (!GITHUB_LOGIN.test(login))
          ctx.addIssue({
            code: 'custom',
            path: [login],
            message: `"${login.slice(0, 40)}" must be a GitHub login (letters, digits and single hyphens)`,
          });
    })
    .default({}),
});

/** An incident's id: how commands, links and the store name it. */
export const INCIDENT_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$/;

export const datasetSchema = z
  .strictObject({
    /** How people name the incident (`/summit <id> facts`, `/summit follow <id>`), unique among the data sets. */
    id: z
      .string()
      .regex(INCIDENT_ID, 'must be 2-40 characters of a-z, 0-9 and "-" (not first or last), such as crowdstrike-2024'),
    /** closed: still answers every read command, but plans no reminders and watches no feeds. */
    state: z.enum(['active', 'closed']).default('active'),
    incident: z.strictObject({
      title: text(150),
      summary: text(2000),
      sources: z.array(sourceSchema).default([]),
      facts: z.array(factSchema).default([]),
      timeline: z.array(timelineSchema).default([]),
    }),
    /** The event the incident leads to (a summit, a review), if there is one: countdowns count down to it. */
    event: eventSchema.optional(),
    /** Earlier versions of the event, each withdrawn (a correction made in Slack replaced it): "as of" shows them. */
    eventHistory: z.array(eventSchema).default([]),
    /** The incident's time zone when it has no event (with an event, the event's zone is the incident's). */
    timezone: zoneName.optional(),
    expectedUpdates: z.array(expectedUpdateSchema).default([]),
    questions: z.array(questionSchema).default([]),
    /** Slack user ids who may record answers and updates, besides the workspace's admins and owners. */
    admins: z.array(userId).default([]),
    permissions: z
      .strictObject({
        /** Who may add questions with /summit ask. */
        ask: z.enum(['everyone', 'admins']).default('everyone'),
        /** Who may subscribe a channel to reminders. */
        subscribe: z.enum(['everyone', 'admins']).default('admins'),
        /** Who may get a link to the incident's page and calendar (/summit link, /summit calendar). */
        link: z.enum(['everyone', 'admins']).default('admins'),
      })
      .default({ ask: 'everyone', subscribe: 'admins', link: 'admins' }),
    reminders: remindersSchema.optional(),
    /** Feeds whose new items matching `match` are posted to subscribed targets, with buttons to triage them. */
    watch: z.array(watchSchema).max(50).default([]),
    /** Where its questions become issues (/summit issue Q3): a GitHub repository, labels, who is who. */
    github: githubSchema.optional(),
  })
  .superRefine(
    (d, ctx) => {
      // Also run when other fields failed (so every finding is reported at once): each list may then be missing or
      // hold raw input, so every access is guarded.
      const sourceIds = new Set<string>();
      list(d.incident?.sources).forEach((s, i) => {
        if (sourceIds.has(s.id))
          ctx.addIssue({
            code: 'custom',
            path: ['incident', 'sources', i, 'id'],
            message: `duplicate source id "${s.id}"`,
          });
        sourceIds.add(s.id);
      });
      const known = [...sourceIds].join(', ');
      const ref = (path: (string | number)[], sid: string | undefined) => {
        if (typeof sid === 'string' && !sourceIds.has(sid))
          ctx.addIssue({
            code: 'custom',
            path,
            message: `unknown source "${sid}"; add it under incident.sources or use one of: ${known}`,
          });
      };
      list(d.incident?.facts).forEach((f, i) => ref(['incident', 'facts', i, 'source'], f.source));
      list(d.incident?.timeline).forEach((t, i) => ref(['incident', 'timeline', i, 'source'], t.source));
      ref(['event', 'source'], d.event?.source);
      list(d.eventHistory).forEach((e, i) => ref(['eventHistory', i, 'source'], e.source));
      const feedIds = new Set<string>();
      list(d.watch).forEach((f, i) => {
        if (feedIds.has(f.id))
          ctx.addIssue({ code: 'custom', path: ['watch', i, 'id'], message: `duplicate feed id "${f.id}"` });
        feedIds.add(f.id);
      });
      const live = (entries: { id?: string; withdrawn?: unknown }[], path: string[], what: string) => {
        // Versions share an id: every one but the latest is withdrawn.
        const seen = new Set<string>();
        entries.forEach((e, i) => {
          if (typeof e.id !== 'string' || e.withdrawn !== undefined) return;
          if (seen.has(e.id))
            ctx.addIssue({ code: 'custom', path: [...path, i, 'id'], message: `duplicate ${what} id "${e.id}"` });
          seen.add(e.id);
        });
      };
      live(list(d.incident?.facts), ['incident', 'facts'], 'fact');
      live(list(d.incident?.timeline), ['incident', 'timeline'], 'timeline');
      live(list(d.expectedUpdates), ['expectedUpdates'], 'expected-update');
      list(d.expectedUpdates).forEach((u, i) => {
        ref(['expectedUpdates', i, 'source'], u.source);
        ref(['expectedUpdates', i, 'received', 'source'], u.received?.source);
      });
      const questionIds = new Set<string>();
      list(d.questions).forEach((q, i) => {
        if (questionIds.has(q.id))
          ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `duplicate question id "${q.id}"` });
        questionIds.add(q.id);
        let previous = -Infinity;
        list(q.history).forEach((h, j) => {
          ref(['questions', i, 'history', j, 'source'], h.source);
          if (
            h.supersededBy !== undefined &&
            !list(d.questions).some((other) => other.id === h.supersededBy && other.id !== q.id)
          )
            ctx.addIssue({
              code: 'custom',
              path: ['questions', i, 'history', j, 'supersededBy'],
              message: `"${h.supersededBy}" is not another question of the data set`,
            });
          const at = DateTime.fromISO(h.at, { zone: d.event?.timezone ?? d.timezone }).toMillis();
          if (at < previous)
            ctx.addIssue({
              code: 'custom',
              path: ['questions', i, 'history', j, 'at'],
              message: 'history must be oldest first: this entry is older than the one before it',
            });
          previous = at;
        });
      });
      if (d.event === undefined && d.timezone === undefined && typeof d === 'object' && d !== null)
        ctx.addIssue({
          code: 'custom',
          path: ['timezone'],
          message: 'give timezone: (such as Europe/Berlin) or an event: with its timezone',
        });
      if (d.event !== undefined && d.timezone !== undefined && d.timezone !== d.event.timezone)
        ctx.addIssue({
          code: 'custom',
          path: ['timezone'],
          message: `differs from event.timezone (${d.event.timezone}): give one zone, in event: alone`,
        });
      if (d.event?.start !== undefined && d.event?.end !== undefined) {
        const s = DateTime.fromISO(d.event.start, { zone: d.event?.timezone });
        const e = DateTime.fromISO(d.event.end, { zone: d.event?.timezone });
        if (e <= s) ctx.addIssue({ code: 'custom', path: ['event', 'end'], message: 'must be after start' });
      }
    },
    { when: () => true },
  );

/**
 * A list that may be missing or malformed when other fields failed: treated as empty, and an entry that is not an
 * object as one with no fields (its own issue is already reported), so positions still match the file.
 */
function list<T>(value: T[] | undefined): T[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => (typeof v === 'object' && v !== null ? v : ({} as T)));
}

export type DatasetInput = z.input<typeof datasetSchema>;
export type Dataset = z.output<typeof datasetSchema>;

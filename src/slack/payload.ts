import { z } from 'zod';

/**
 * The fields Slack always sends, checked once a request's signature is verified and before any listener runs: a
 * payload without them is not one Slack would send, and gets 400 instead of reaching the command path half-empty.
 * Only the fields the bot relies on are required; anything else Slack adds is let through.
 */
const nonEmpty = z.string().min(1).max(255);

const slashCommand = z.object({ command: nonEmpty, user_id: nonEmpty, channel_id: nonEmpty, team_id: nonEmpty, text: z.string().optional() });

const interaction = z.object({
  type: nonEmpty,
  user: z.object({ id: nonEmpty }),
});

const eventsApi = z.union([
  z.object({ type: z.literal('url_verification'), challenge: z.string() }),
  z.object({ type: z.literal('event_callback'), event: z.object({ type: nonEmpty }) }),
  z.object({ type: z.literal('app_rate_limited') }),
]);

/** Undefined when the verified body has what the bot needs, else a short reason for the log. */
export function checkSlackPayload(kind: 'form' | 'json', body: Buffer): string | undefined {
  const text = body.toString('utf8');
  try {
    if (kind === 'json') return eventsApi.safeParse(JSON.parse(text)).success ? undefined : 'an Events API body without its type or event';
    const form = new URLSearchParams(text);
    if (form.get('ssl_check') === '1') return undefined;
    const payload = form.get('payload');
    if (payload !== null) return interaction.safeParse(JSON.parse(payload)).success ? undefined : 'an interaction payload without its type or user';
    return slashCommand.safeParse(Object.fromEntries(form)).success ? undefined : 'a slash command without command, user_id, channel_id or team_id';
  } catch {
    return 'a body that is not valid JSON';
  }
}

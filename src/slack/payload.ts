/**
 * The fields Slack always sends, checked once a request's signature is verified and before any listener runs: a
 * payload without them is not one Slack would send, and gets 400 instead of reaching the command path half-empty.
 * Only the fields the bot relies on are required; anything else Slack adds is let through. Plain checks rather
 * than a schema library: this runs on every request.
 */
const present = (v: unknown): boolean => typeof v === 'string' && v.length > 0 && v.length <= 255;

/** Undefined when the verified body has what the bot needs, else a short reason for the log. */
export function checkSlackPayload(kind: 'form' | 'json', body: Buffer): string | undefined {
  return readSlackPayload(kind, body).problem;
}

/** The check, and a slash command's fields when the body is one (parsed once, for the reused-reply path). */
export function readSlackPayload(
  kind: 'form' | 'json',
  body: Buffer,
): { problem?: string; slashCommand?: URLSearchParams } {
  const problem = (why: string | undefined) => (why === undefined ? {} : { problem: why });
  const text = body.toString('utf8');
  try {
    if (kind === 'json') {
      const b = JSON.parse(text) as { type?: unknown; challenge?: unknown; event?: { type?: unknown } } | null;
      const ok =
        (b?.type === 'url_verification' && typeof b.challenge === 'string') ||
        (b?.type === 'event_callback' && present(b.event?.type)) ||
        b?.type === 'app_rate_limited';
      return problem(ok ? undefined : 'an Events API body without its type or event');
    }
    const form = new URLSearchParams(text);
    if (form.get('ssl_check') === '1') return {};
    const payload = form.get('payload');
    if (payload !== null) return problem(interactionProblem(JSON.parse(payload)));
    const why = slashCommandProblem((f) => form.get(f));
    return why === undefined ? { slashCommand: form } : { problem: why };
  } catch {
    return { problem: 'a body that is not valid JSON' };
  }
}

/** What a slash command lacks of what the bot reads from it, if anything. */
export function slashCommandProblem(field: (name: string) => unknown): string | undefined {
  const ok = ['command', 'user_id', 'channel_id', 'team_id'].every((f) => present(field(f)));
  return ok ? undefined : 'a slash command without command, user_id, channel_id or team_id';
}

/**
 * What an interaction payload lacks of what its listener reads, if anything: every kind has its type and user; a
 * message shortcut its channel, message and trigger; a form submission its view. Used over HTTP and on Socket Mode
 * envelopes alike, so a payload Slack would never send is refused before a listener could trip over it.
 */
export function interactionProblem(payload: unknown): string | undefined {
  const p = payload as {
    type?: unknown;
    user?: { id?: unknown };
    channel?: { id?: unknown };
    message?: { ts?: unknown };
    callback_id?: unknown;
    trigger_id?: unknown;
    view?: { id?: unknown; callback_id?: unknown };
    actions?: unknown;
  } | null;
  if (!present(p?.type) || !present(p?.user?.id)) return 'an interaction payload without its type or user';
  if (
    p?.type === 'message_action' &&
    !(present(p.channel?.id) && present(p.message?.ts) && present(p.callback_id) && present(p.trigger_id))
  )
    return 'a message shortcut without its channel, message, callback_id or trigger_id';
  if (
    (p?.type === 'view_submission' || p?.type === 'view_closed') &&
    !(present(p.view?.id) && present(p.view?.callback_id))
  )
    return 'a form payload without its view';
  if (p?.type === 'block_actions' && !Array.isArray(p.actions)) return 'a block_actions payload without actions';
  return undefined;
}

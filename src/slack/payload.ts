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
    if (payload !== null) {
      const p = JSON.parse(payload) as { type?: unknown; user?: { id?: unknown } } | null;
      return problem(
        present(p?.type) && present(p?.user?.id) ? undefined : 'an interaction payload without its type or user',
      );
    }
    const ok = ['command', 'user_id', 'channel_id', 'team_id'].every((f) => present(form.get(f)));
    return ok ? { slashCommand: form } : { problem: 'a slash command without command, user_id, channel_id or team_id' };
  } catch {
    return { problem: 'a body that is not valid JSON' };
  }
}

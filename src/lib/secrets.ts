/**
 * What must never be printed: anything shaped like a Slack token, and the exact values of the secrets this
 * process was given (bot, app and user tokens, the signing secret, the database password). Every log line and
 * every error message printed passes through scrubSecrets, so a secret echoed at any depth of a logged object
 * (a Web API error's response body, a settings error quoting a variable) is cut out of the text itself.
 */

const TOKEN_PATTERN = /\b(xox[abposre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)/g;

/** Shorter values cannot be told apart from ordinary words; real secrets are much longer (32 hex characters). */
const MIN_SECRET_LENGTH = 6;

const literals = new Set<string>();

/** Remembers a secret's value (and the forms it takes inside JSON and URLs) so it is cut from all output. */
export function registerSecret(value: string | undefined): void {
  const v = value?.trim();
  if (!v || v.length < MIN_SECRET_LENGTH) return;
  for (const form of [v, JSON.stringify(v).slice(1, -1), encodeURIComponent(v)]) literals.add(form);
}

/** The password of a database URL, if it has one. */
export function registerUrlPassword(url: string | undefined): void {
  if (!url) return;
  // As written in the URL (however much of it was percent-encoded), as URL normalises it, and decoded.
  const written = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@/]*)@/i.exec(url)?.[1];
  registerSecret(written);
  if (!URL.canParse(url)) return;
  const password = new URL(url).password;
  if (password) {
    registerSecret(password);
    registerSecret(safeDecode(password));
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Removes token-shaped strings and every registered secret from a text. */
export function scrubSecrets(text: string): string {
  let out = text.replace(TOKEN_PATTERN, (m) => `${m.slice(0, m.indexOf('-') + 1)}[redacted]`);
  for (const s of literals) if (out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

/** Forgets the registered secrets (tests). */
export function clearSecrets(): void {
  literals.clear();
}

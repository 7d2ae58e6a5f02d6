import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links to an incident's page and calendar: a token that names the incident, when it was given and until when it
 * holds, signed with WEB_LINK_SECRET (HMAC-SHA256). Nothing is stored per link: revoking is a moment per incident
 * before which every link given is refused. Tokens are compared in constant time and never logged.
 */

export interface LinkClaims {
  /** The incident it opens, and no other. */
  incident: string;
  /** When it was given (ms since the epoch, the bot's clock). */
  issuedAt: number;
  /** Until when it holds (ms). */
  expiresAt: number;
}

export type LinkRefusal = 'missing' | 'malformed' | 'signature' | 'expired' | 'revoked' | 'other-incident';

/** A token's payload (base64url of a short JSON) and its signature (base64url of 32 bytes). */
const TOKEN = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/;
/** The longest token the bot makes or reads: anything longer is refused before any other work. */
export const MAX_TOKEN_CHARS = 400 + 1 + 43;

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest();

/** Whether a link was given before its incident's links were last revoked (at `revokedAt`). */
export function revokedBy(claims: LinkClaims, revokedAt: number | undefined): boolean {
  return revokedAt !== undefined && claims.issuedAt <= revokedAt;
}

/** The address of an incident's page (or calendar) with a token signed for it: what /summit link gives. */
export function linkUrl(
  web: { publicUrl: string; secret: string },
  claims: LinkClaims,
  kind: 'page' | 'calendar' = 'page',
): string {
  const token = signLink(web.secret, claims);
  const base = `${web.publicUrl}/incidents/${claims.incident}`;
  return kind === 'calendar' ? `${base}/calendar.ics?token=${token}` : `${base}?token=${token}`;
}

export function signLink(secret: string, claims: LinkClaims): string {
  const payload = b64(JSON.stringify({ i: claims.incident, t: claims.issuedAt, e: claims.expiresAt }));
  return `${payload}.${b64(mac(secret, payload))}`;
}

/**
 * Whether `token` opens `incidentId` at `now`: well formed, signed with `secret`, for that incident, not expired,
 * and given after the incident's links were last revoked.
 */
export function verifyLink(
  secret: string,
  token: string | undefined,
  incidentId: string,
  now: number,
  revokedAt?: number,
): { ok: true; claims: LinkClaims } | { ok: false; why: LinkRefusal } {
  if (token === undefined || token === '') return { ok: false, why: 'missing' };
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, why: 'malformed' };
  const m = TOKEN.exec(token);
  if (!m) return { ok: false, why: 'malformed' };
  const [, payload, signature] = m as unknown as [string, string, string];
  const given = Buffer.from(signature, 'base64url');
  // One spelling: base64url's last character carries unused bits, so other spellings decode to the same bytes;
  // only the one the bot writes is taken (a link's budget is kept by its spelling).
  if (b64(given) !== signature || b64(Buffer.from(payload, 'base64url')) !== payload)
    return { ok: false, why: 'malformed' };
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'signature' };
  let raw: { i?: unknown; t?: unknown; e?: unknown };
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof raw;
  } catch {
    return { ok: false, why: 'malformed' };
  }
  if (typeof raw.i !== 'string' || typeof raw.t !== 'number' || typeof raw.e !== 'number')
    return { ok: false, why: 'malformed' };
  const claims: LinkClaims = { incident: raw.i, issuedAt: raw.t, expiresAt: raw.e };
  if (claims.incident !== incidentId) return { ok: false, why: 'other-incident' };
  if (now >= claims.expiresAt) return { ok: false, why: 'expired' };
  if (revokedBy(claims, revokedAt)) return { ok: false, why: 'revoked' };
  return { ok: true, claims };
}

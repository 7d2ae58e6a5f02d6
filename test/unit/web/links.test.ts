import { signLink, verifyLink } from '../../../src/lib/links';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const T0 = Date.parse('2026-12-01T17:00:00Z');
const DAY = 86_400_000;

describe('links to a page: the token rules', () => {
  const token = signLink(SECRET, { incident: 'crowdstrike-2024', issuedAt: T0, expiresAt: T0 + 30 * DAY });

  test('a link opens its incident until it expires', () => {
    expect(verifyLink(SECRET, token, 'crowdstrike-2024', T0 + DAY)).toMatchObject({ ok: true });
    expect(verifyLink(SECRET, token, 'crowdstrike-2024', T0 + 30 * DAY - 1)).toMatchObject({ ok: true });
    expect(verifyLink(SECRET, token, 'crowdstrike-2024', T0 + 30 * DAY)).toEqual({ ok: false, why: 'expired' });
  });

  test('no token, a malformed one, a forged or altered one, another secret: refused, each saying why', () => {
    expect(verifyLink(SECRET, undefined, 'crowdstrike-2024', T0)).toEqual({ ok: false, why: 'missing' });
    expect(verifyLink(SECRET, '', 'crowdstrike-2024', T0)).toEqual({ ok: false, why: 'missing' });
    expect(verifyLink(SECRET, 'not a token', 'crowdstrike-2024', T0)).toEqual({ ok: false, why: 'malformed' });
    const [payload, signature] = token.split('.') as [string, string];
    // A longer validity written into the payload: the signature no longer matches.
    const forged = Buffer.from(JSON.stringify({ i: 'crowdstrike-2024', t: T0, e: T0 + 3650 * DAY })).toString(
      'base64url',
    );
    expect(verifyLink(SECRET, `${forged}.${signature}`, 'crowdstrike-2024', T0)).toEqual({
      ok: false,
      why: 'signature',
    });
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(verifyLink(SECRET, `${payload}.${flipped}`, 'crowdstrike-2024', T0)).toEqual({
      ok: false,
      why: 'signature',
    });
    expect(verifyLink('another-secret-of-thirty-two-characters!', token, 'crowdstrike-2024', T0)).toEqual({
      ok: false,
      why: 'signature',
    });
  });

  test('a link for one incident never opens another', () => {
    expect(verifyLink(SECRET, token, 'cloud-outage-2026', T0)).toEqual({ ok: false, why: 'other-incident' });
  });

  test('revoking refuses every link given until then, and not one given after', () => {
    expect(verifyLink(SECRET, token, 'crowdstrike-2024', T0 + DAY, T0 + 1000)).toEqual({ ok: false, why: 'revoked' });
    expect(verifyLink(SECRET, token, 'crowdstrike-2024', T0 + DAY, T0)).toEqual({ ok: false, why: 'revoked' });
    const later = signLink(SECRET, { incident: 'crowdstrike-2024', issuedAt: T0 + 2000, expiresAt: T0 + DAY * 7 });
    expect(verifyLink(SECRET, later, 'crowdstrike-2024', T0 + DAY, T0 + 1000)).toMatchObject({ ok: true });
  });
});

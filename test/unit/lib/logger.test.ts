import { scrubSecrets } from '../../../src/lib/logger';
import { clearSecrets, registerSecret, registerUrlPassword } from '../../../src/lib/secrets';

describe('scrubSecrets', () => {
  test('removes bot, user and app tokens from text', () => {
    const text = 'failed with xoxb-123-456-abcDEF and xapp-1-A0-99-zz and xoxp-9-9';
    const out = scrubSecrets(text);
    expect(out).not.toMatch(/abcDEF|A0-99|xoxp-9-9/);
    expect(out).toContain('xoxb-[redacted]');
    expect(out).toContain('xapp-[redacted]');
  });

  test('leaves other text alone', () => {
    expect(scrubSecrets('no secrets here: xox, xapp')).toBe('no secrets here: xox, xapp');
  });
});

describe('secrets registered at start', () => {
  afterEach(() => clearSecrets());

  test('the exact values, and their JSON- and URL-encoded forms, are cut from any text', () => {
    registerSecret('8f742231b10e8888abcd99yyyzzz85a5');
    registerUrlPassword('postgres://summit:p%40ss"word!@db.example:5432/summit');
    const line = JSON.stringify({
      err: { data: { echo: 'secret 8f742231b10e8888abcd99yyyzzz85a5 here', pw: 'p@ss"word!' } },
      url: 'postgres://summit:p%40ss"word!@db',
    });
    const out = scrubSecrets(line);
    expect(out).not.toContain('8f742231b10e8888abcd99yyyzzz85a5');
    expect(out).not.toContain('p@ss');
    expect(out).not.toContain('p%40ss');
    expect(out).toContain('[redacted]');
  });

  test('values too short to tell from ordinary words are not registered', () => {
    registerSecret('s');
    expect(scrubSecrets('settings')).toBe('settings');
  });
});

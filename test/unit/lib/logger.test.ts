import { scrubSecrets } from '../../../src/lib/logger';

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

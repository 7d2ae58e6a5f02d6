import type { KnownBlock, SectionBlock } from '@slack/types';
import { bold, code, date, header, link, list, note, paragraph, type Reply } from '../../../src/views/doc';
import { decodeSlackEntities, escapeMrkdwn, truncate } from '../../../src/views/format';
import { inlineToMrkdwn, LIMITS, toSlackMessage } from '../../../src/views/render-slack';
import { toPlainText } from '../../../src/views/render-text';

const sectionTexts = (blocks: KnownBlock[]) =>
  blocks.filter((b): b is SectionBlock => b.type === 'section').map((b) => b.text?.text ?? '');

describe('escaping', () => {
  test('escapes &, < and > and nothing else', () => {
    expect(escapeMrkdwn(`<!channel> & <@U123> "quotes" 'x' *b*`)).toBe(
      `&lt;!channel&gt; &amp; &lt;@U123&gt; "quotes" 'x' *b*`,
    );
  });

  test('user text cannot ping or disguise a link', () => {
    const out = inlineToMrkdwn('<!channel> <@U123> <https://evil.example|bank>');
    expect(out).not.toMatch(/<[!@h]/);
    expect(out).toBe('&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|bank&gt;');
  });

  test('escapes exactly once, whether the text arrived escaped from Slack or raw', () => {
    const fromSlack = decodeSlackEntities('&lt;!channel&gt; &amp; co');
    const raw = '<!channel> & co';
    expect(fromSlack).toBe(raw);
    expect(inlineToMrkdwn(fromSlack)).toBe('&lt;!channel&gt; &amp; co');
    expect(inlineToMrkdwn(raw)).not.toContain('&amp;lt;');
  });

  test('bold, code and link labels are escaped; link URLs cannot break out', () => {
    expect(inlineToMrkdwn(bold('a<b'))).toBe('*a&lt;b*');
    expect(inlineToMrkdwn(code('<x>'))).toBe('`&lt;x&gt;`');
    expect(inlineToMrkdwn(link('https://a.example/x|y>z', 'A|B <c>'))).toBe(
      '<https://a.example/x%7Cy%3Ez|A¦B &lt;c&gt;>',
    );
  });
});

describe('date tokens', () => {
  test('a date shows in the reader zone, with a fallback in the event zone', () => {
    const at = new Date('2024-09-10T07:00:00Z');
    expect(inlineToMrkdwn(date(at, 'America/Los_Angeles'))).toBe(
      '<!date^1725951600^{date_long_pretty}|Tuesday, September 10, 2024>',
    );
    expect(inlineToMrkdwn(date(new Date('2024-09-10T16:30:00Z'), 'America/Los_Angeles', true))).toBe(
      '<!date^1725985800^{date_long_pretty} {time}|Tuesday, September 10, 2024, 9:30 AM PDT>',
    );
  });

  test('the console prints the same date in the event zone', () => {
    expect(
      toPlainText({
        summary: '',
        blocks: [paragraph(date(new Date('2024-11-04T17:00:00Z'), 'America/Los_Angeles', true))],
      }),
    ).toBe('Monday, November 4, 2024, 9:00 AM PST');
  });
});

describe('Block Kit limits', () => {
  const longList = (n: number, size: number): Reply => ({
    summary: 'many',
    blocks: [header('Title'), list(Array.from({ length: n }, (_, i) => [`item ${i} `, 'x'.repeat(size)])), note('end')],
  });

  test('a long list is packed into sections of at most 3,000 characters and cut at 50 blocks with "and N more"', () => {
    const msg = toSlackMessage(longList(500, 400));
    expect(msg.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    for (const t of sectionTexts(msg.blocks)) expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText);
    const shown = sectionTexts(msg.blocks)
      .join('\n')
      .split('\n')
      .filter((l) => l.startsWith('• ')).length;
    const moreNote = JSON.stringify(msg.blocks).match(/…and (\d+) more/);
    expect(moreNote).not.toBeNull();
    expect(shown + Number(moreNote?.[1])).toBe(500);
    // The note after the list survives the cut.
    expect(JSON.stringify(msg.blocks.at(-1))).toContain('end');
  });

  test('a short list is not cut', () => {
    const msg = toSlackMessage(longList(5, 10));
    expect(JSON.stringify(msg.blocks)).not.toContain('more');
    expect(sectionTexts(msg.blocks).join('\n').split('\n')).toHaveLength(5);
  });

  test('one item longer than a section is truncated, not dropped', () => {
    const msg = toSlackMessage({ summary: 's', blocks: [list([['z'.repeat(10_000)]])] });
    const [text] = sectionTexts(msg.blocks);
    expect(text?.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(text?.endsWith('…')).toBe(true);
  });

  test('a long paragraph, header and fallback text are kept within limits', () => {
    const msg = toSlackMessage({
      summary: 'f'.repeat(50_000),
      blocks: [header('h'.repeat(500)), paragraph('p'.repeat(5000))],
    });
    expect(msg.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    const h = msg.blocks[0] as { text: { text: string } };
    expect(h.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    expect(sectionTexts(msg.blocks)[0]?.length).toBeLessThanOrEqual(LIMITS.sectionText);
  });

  test('truncate never splits a surrogate pair', () => {
    const t = truncate('a🎉🎉🎉', 3);
    expect(t).toBe('a…');
    expect(truncate('short', 10)).toBe('short');
  });

  test('the fallback text is escaped too', () => {
    expect(toSlackMessage({ summary: '<!here> hi', blocks: [] }).text).toBe('&lt;!here&gt; hi');
  });
});

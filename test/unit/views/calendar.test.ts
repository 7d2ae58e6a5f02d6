import { parseIncident } from '../../../src/incident/load';
import { calendarIcs } from '../../../src/views/calendar';
import { minimalDataset } from '../../helpers/incident';

describe('the calendar file', () => {
  test('a carriage return, vertical tab, form feed or other control character in a data set never reaches it', () => {
    const hostile = 'Line one\rline two\u000bthree\u000cfour\u0000five\u001bsix\ttab';
    const incident = parseIncident(
      minimalDataset(
        { name: `Review ${hostile}`, date: '2026-11-20', location: `Room\r\n1` },
        {
          expectedUpdates: [{ id: 'report', text: `Report ${hostile}`, expected: '2026-12-20', source: 's1' }],
        },
      ),
      'hostile.yaml',
    );
    const ics = calendarIcs({
      incident,
      now: new Date('2026-12-01T12:00:00Z'),
      pageUrl: 'https://summit.example.com/p',
    });
    // Lines end in CRLF (RFC 5545 3.1) and nothing else breaks one: no lone CR, LF or other control character.
    const body = ics.split('\r\n').join('');
    // eslint-disable-next-line no-control-regex -- the characters RFC 5545 allows in no value
    expect(body).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f]/);
    // A line break in the text is kept as the escaped \n; the tab stays.
    expect(body).toContain('Line one\\nline two');
    expect(body).toContain('Room\\n1');
    expect(body).toContain('\ttab');
  });

  test('an estimate is marked as such in its title; a promised date is not', () => {
    const incident = parseIncident(
      minimalDataset(
        { name: 'Review', date: '2026-11-20' },
        {
          expectedUpdates: [
            { id: 'guess', text: 'A follow-up post', expected: '2026-12-20', estimated: true, source: 's1' },
            { id: 'promise', text: 'The final report', expected: '2026-12-31', source: 's1' },
          ],
        },
      ),
      'estimates.yaml',
    );
    const ics = calendarIcs({
      incident,
      now: new Date('2026-12-01T12:00:00Z'),
      pageUrl: 'https://summit.example.com/p',
    });
    expect(ics).toContain('SUMMARY:Expected update (estimated date): A follow-up post');
    expect(ics).toContain('SUMMARY:Expected update: The final report');
  });
});

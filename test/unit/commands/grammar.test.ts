import { editDistance } from '../../../src/commands/grammar';
import { closestCommand, parseCommand, typedCommands } from '../../../src/commands/registry';

describe('parseCommand', () => {
  test.each([
    ['', { name: 'status' }],
    ['   ', { name: 'status' }],
    ['status', { name: 'status' }],
    ['/summit', { name: 'status' }],
    ['/summit status', { name: 'status' }],
    ['STATUS', { name: 'status' }],
    ['when', { name: 'when' }],
    ['timeline', { name: 'timeline' }],
    ['help', { name: 'help' }],
    ['?', { name: 'help' }],
    ['facts', { name: 'facts' }],
    ['facts Outage', { name: 'facts', topic: 'outage' }],
    ['/summit facts summit', { name: 'facts', topic: 'summit' }],
    ['questions', { name: 'questions', filter: 'open' }],
    ['questions all', { name: 'questions', filter: 'all' }],
    ['questions   ANSWERED', { name: 'questions', filter: 'answered' }],
    ['question open', { name: 'questions', filter: 'open' }],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  test('bad arguments to a known command give its usage', () => {
    expect(parseCommand('questions later')).toEqual({
      name: 'usage',
      command: 'questions',
      problem: '"later" is not one of open, answered, all',
    });
    expect(parseCommand('questions open all')).toMatchObject({ name: 'usage', command: 'questions' });
    expect(parseCommand('facts a b')).toMatchObject({ name: 'usage', command: 'facts' });
    expect(parseCommand('when tomorrow')).toEqual({
      name: 'usage',
      command: 'when',
      problem: '`when` takes no arguments',
    });
  });

  test('unknown words name the closest command', () => {
    expect(parseCommand('qestions')).toEqual({ name: 'unknown', word: 'qestions', suggestion: 'questions' });
    expect(parseCommand('fcts')).toEqual({ name: 'unknown', word: 'fcts', suggestion: 'facts' });
    expect(parseCommand('time')).toEqual({ name: 'unknown', word: 'time', suggestion: 'timeline' });
    expect(parseCommand('xyzzy')).toEqual({ name: 'unknown', word: 'xyzzy', suggestion: undefined });
  });

  test('Slack-escaped text is read as typed, once', () => {
    expect(parseCommand('&lt;!channel&gt;')).toEqual({ name: 'unknown', word: '<!channel>', suggestion: undefined });
    expect(parseCommand('&amp;lt;')).toMatchObject({ word: '&lt;' });
  });

  test('any text Slack allows gets a command, never an exception', () => {
    const samples = [
      'x'.repeat(4000),
      `facts ${'y'.repeat(3990)}`,
      '🎉🎉 questions',
      'questions 🎉',
      '\u0000\u0007\u001b[31mred',
      '<!channel> <@U123> <https://evil.example|bank>',
      '\t\n status \n',
      '\ud83d',
    ];
    for (const text of samples) {
      const cmd = parseCommand(text);
      expect(cmd.name).toBeDefined();
      if (cmd.name === 'unknown') expect(cmd.word.length).toBeLessThanOrEqual(40);
    }
    expect(parseCommand('\t\n status \n')).toEqual({ name: 'status' });
  });
});

describe('closestCommand', () => {
  test('prefixes and small typos', () => {
    expect(closestCommand('stat')).toBe('status');
    expect(closestCommand('hepl')).toBe('help');
    expect(closestCommand('timelines')).toBe('timeline');
    expect(closestCommand('zzz')).toBeUndefined();
  });

  test('every command is reachable from a one-letter typo', () => {
    for (const c of typedCommands()) expect(closestCommand(`${c.name}x`)).toBe(c.name);
  });

  test('editDistance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(editDistance('hepl', 'help')).toBe(1);
  });
});

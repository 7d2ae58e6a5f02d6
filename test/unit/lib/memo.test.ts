import { Memo } from '../../../src/lib/memo';

describe('Memo', () => {
  test('never holds more than max entries: expired ones go first, then the oldest', () => {
    let now = 0;
    const memo = new Memo<string, number>(3, 100, () => now);
    memo.set('a', 1);
    now = 50;
    memo.set('b', 2);
    memo.set('c', 3);
    now = 120; // a has expired
    memo.set('d', 4);
    expect([memo.get('a'), memo.get('b'), memo.get('c'), memo.get('d')]).toEqual([undefined, 2, 3, 4]);
    memo.set('e', 5); // full, nothing expired: the oldest (b) goes
    expect(memo.size).toBe(3);
    expect(memo.get('b')).toBeUndefined();
  });

  test('an entry past its time to live is not returned, and getOrMake makes it again', () => {
    let now = 0;
    const memo = new Memo<string, number>(10, 100, () => now);
    let made = 0;
    const make = () => ++made;
    expect(memo.getOrMake('k', make)).toBe(1);
    expect(memo.getOrMake('k', make)).toBe(1);
    now = 100;
    expect(memo.getOrMake('k', make)).toBe(2);
  });
});

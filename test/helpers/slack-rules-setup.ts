import { describeViolations, takeRecorded } from './slack-rules';

/**
 * Every test fails when a payload it made breaks one of Slack's rules (slack-rules.ts), whatever else it asserts:
 * in a real workspace Slack would have refused that message or form.
 */
function failOnRefusedPayloads(): void {
  const found = takeRecorded();
  if (found.length > 0)
    throw new Error(`Slack would refuse ${found.length} payload(s) of this test:\n${describeViolations(found)}`);
}

afterEach(failOnRefusedPayloads);
afterAll(failOnRefusedPayloads);

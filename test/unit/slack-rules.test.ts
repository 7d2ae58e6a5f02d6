import {
  checkMessage,
  checkOptionsResponse,
  checkResponseBody,
  checkView,
  checkWebApiCall,
  RULES,
  type RuleName,
} from '../helpers/slack-rules';

// The checker every payload of the suite passes through: each rule shown failing on a payload that breaks it, and
// passing on the same payload within the limit.

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const option = (text: string, value: string) => ({ text: plain(text), value });
const button = (actionId: string, text = 'Go', value = 'v') => ({
  type: 'button',
  action_id: actionId,
  text: plain(text),
  value,
});
const select = (options: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'static_select',
  action_id: 'pick',
  placeholder: plain('Choose'),
  options,
  ...extra,
});
const message = (blocks: unknown[], text = 'fallback') => ({ text, blocks });
const modal = (blocks: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'modal',
  title: plain('Add fact'),
  submit: plain('Add'),
  close: plain('Cancel'),
  blocks,
  ...extra,
});
const input = (element: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'input',
  block_id: 'field',
  label: plain('Text'),
  element,
  ...extra,
});
const options = (n: number, length = 5) =>
  Array.from({ length: n }, (_, i) => option(`o${i}`.padEnd(length, 'x'), `v${i}`));

const rules = (violations: { rule: string }[]) => violations.map((v) => v.rule);

/** Each case: the rule, a payload that breaks it, and the same payload kept within it. */
const CASES: [RuleName, () => unknown[], () => unknown[]][] = [
  [
    'actionIdUnique',
    () => checkMessage(message([{ type: 'actions', elements: [button('add'), button('add')] }])),
    () => checkMessage(message([{ type: 'actions', elements: [button('add.1'), button('add.2')] }])),
  ],
  [
    'blockIdUnique',
    () => checkView(modal([input({ type: 'plain_text_input' }), input({ type: 'plain_text_input' })])),
    () =>
      checkView(
        modal([input({ type: 'plain_text_input' }), input({ type: 'plain_text_input' }, { block_id: 'other' })]),
      ),
  ],
  [
    'selectOptions',
    () => checkMessage(message([{ type: 'actions', elements: [select([])] }])),
    () => checkMessage(message([{ type: 'actions', elements: [select(options(1))] }])),
  ],
  [
    'selectOptions',
    () => checkMessage(message([{ type: 'actions', elements: [select(options(101))] }])),
    () => checkMessage(message([{ type: 'actions', elements: [select(options(100))] }])),
  ],
  [
    'optionGroups',
    () =>
      checkMessage(
        message([
          {
            type: 'actions',
            elements: [{ ...select([]), options: undefined, option_groups: [{ label: plain('A'), options: [] }] }],
          },
        ]),
      ),
    () =>
      checkMessage(
        message([
          {
            type: 'actions',
            elements: [
              { ...select([]), options: undefined, option_groups: [{ label: plain('A'), options: options(2) }] },
            ],
          },
        ]),
      ),
  ],
  [
    'optionText',
    () => checkMessage(message([{ type: 'actions', elements: [select(options(3, 76))] }])),
    () => checkMessage(message([{ type: 'actions', elements: [select(options(3, 75))] }])),
  ],
  [
    'optionValue',
    () => checkMessage(message([{ type: 'actions', elements: [select([option('a', 'v'.repeat(151))])] }])),
    () => checkMessage(message([{ type: 'actions', elements: [select([option('a', 'v'.repeat(150))])] }])),
  ],
  [
    'initialOption',
    () => checkView(modal([input(select(options(3), { initial_option: option('elsewhere', 'v9') }))])),
    () => checkView(modal([input(select(options(3), { initial_option: option('o1xxx', 'v1') }))])),
  ],
  [
    'buttonText',
    () => checkMessage(message([{ type: 'actions', elements: [button('a', 'b'.repeat(76))] }])),
    () => checkMessage(message([{ type: 'actions', elements: [button('a', 'b'.repeat(75))] }])),
  ],
  [
    'buttonValue',
    () => checkMessage(message([{ type: 'actions', elements: [button('a', 'Go', 'v'.repeat(2001))] }])),
    () => checkMessage(message([{ type: 'actions', elements: [button('a', 'Go', 'v'.repeat(2000))] }])),
  ],
  [
    'sectionText',
    () => checkMessage(message([{ type: 'section', text: mrkdwn('s'.repeat(3001)) }])),
    () => checkMessage(message([{ type: 'section', text: mrkdwn('s'.repeat(3000)) }])),
  ],
  [
    'sectionText',
    () => checkMessage(message([{ type: 'section', text: mrkdwn('') }])),
    () => checkMessage(message([{ type: 'section', text: mrkdwn('s') }])),
  ],
  [
    'sectionFields',
    () => checkMessage(message([{ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('f')) }])),
    () => checkMessage(message([{ type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn('f')) }])),
  ],
  [
    'sectionFields',
    () => checkMessage(message([{ type: 'section', fields: [mrkdwn('f'.repeat(2001))] }])),
    () => checkMessage(message([{ type: 'section', fields: [mrkdwn('f'.repeat(2000))] }])),
  ],
  [
    'headerText',
    () => checkMessage(message([{ type: 'header', text: plain('h'.repeat(151)) }])),
    () => checkMessage(message([{ type: 'header', text: plain('h'.repeat(150)) }])),
  ],
  [
    'contextElements',
    () => checkMessage(message([{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) }])),
    () => checkMessage(message([{ type: 'context', elements: Array.from({ length: 10 }, () => mrkdwn('c')) }])),
  ],
  [
    'actionsElements',
    () => checkMessage(message([{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }])),
    () => checkMessage(message([{ type: 'actions', elements: Array.from({ length: 25 }, (_, i) => button(`b${i}`)) }])),
  ],
  [
    'blockCount',
    () => checkMessage(message(Array.from({ length: 51 }, () => ({ type: 'divider' })))),
    () => checkMessage(message(Array.from({ length: 50 }, () => ({ type: 'divider' })))),
  ],
  [
    'blockCount',
    () => checkView(modal(Array.from({ length: 101 }, () => ({ type: 'divider' })))),
    () => checkView(modal(Array.from({ length: 100 }, () => ({ type: 'divider' })))),
  ],
  [
    'blockCount',
    () => checkView({ type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }),
    () => checkView({ type: 'home', blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) }),
  ],
  [
    'viewTitle',
    () => checkView(modal([], { title: plain('t'.repeat(25)) })),
    () => checkView(modal([], { title: plain('t'.repeat(24)) })),
  ],
  [
    'viewSubmit',
    () => checkView(modal([], { submit: plain('s'.repeat(25)) })),
    () => checkView(modal([], { submit: plain('s'.repeat(24)) })),
  ],
  [
    'viewClose',
    () => checkView(modal([], { close: plain('c'.repeat(25)) })),
    () => checkView(modal([], { close: plain('c'.repeat(24)) })),
  ],
  [
    'inputLabel',
    () => checkView(modal([input({ type: 'plain_text_input' }, { label: plain('l'.repeat(2001)) })])),
    () => checkView(modal([input({ type: 'plain_text_input' }, { label: plain('l'.repeat(2000)) })])),
  ],
  [
    'inputHint',
    () => checkView(modal([input({ type: 'plain_text_input' }, { hint: plain('h'.repeat(2001)) })])),
    () => checkView(modal([input({ type: 'plain_text_input' }, { hint: plain('h'.repeat(2000)) })])),
  ],
  [
    'placeholder',
    () => checkView(modal([input({ type: 'plain_text_input', placeholder: plain('p'.repeat(151)) })])),
    () => checkView(modal([input({ type: 'plain_text_input', placeholder: plain('p'.repeat(150)) })])),
  ],
  [
    'maxLength',
    () => checkView(modal([input({ type: 'plain_text_input', max_length: 3001 })])),
    () => checkView(modal([input({ type: 'plain_text_input', max_length: 3000 })])),
  ],
  [
    'privateMetadata',
    () => checkView(modal([], { private_metadata: 'm'.repeat(3001) })),
    () => checkView(modal([], { private_metadata: 'm'.repeat(3000) })),
  ],
  ['messageText', () => checkMessage({ text: 't'.repeat(40_001) }), () => checkMessage({ text: 't'.repeat(40_000) })],
  ['messageEmpty', () => checkMessage({ text: ' ' }), () => checkMessage({ text: 'something' })],
  [
    'inputInMessage',
    () => checkMessage(message([input({ type: 'plain_text_input' })])),
    () => checkView(modal([input({ type: 'plain_text_input' })])),
  ],
  [
    'viewSubmitNeeded',
    () => checkView(modal([input({ type: 'plain_text_input' })], { submit: undefined })),
    () => checkView(modal([input({ type: 'plain_text_input' })])),
  ],
  [
    'optionsResponse',
    () => checkOptionsResponse({ options: options(101) }),
    () => checkOptionsResponse({ options: options(100) }),
  ],
];

describe("Slack's rules, each shown failing", () => {
  test.each(CASES.map(([rule, broken, kept], i) => [`${rule} #${i}`, rule, broken, kept] as const))(
    '%s',
    (_name, rule, broken, kept) => {
      expect(rules(broken() as { rule: string }[])).toContain(rule);
      expect(kept()).toEqual([]);
    },
  );

  test('every rule the checker knows is shown failing here, and each names its reference page', () => {
    const shown = new Set(CASES.map(([rule]) => rule));
    const untested = (Object.keys(RULES) as RuleName[]).filter(
      (r) =>
        !shown.has(r) &&
        ![
          'blockIdLength',
          'actionIdLength',
          'blockType',
          'textObject',
          'buttonUrl',
          'choiceCount',
          'callbackId',
        ].includes(r),
    );
    expect(untested).toEqual([]);
    for (const url of Object.values(RULES)) expect(url).toMatch(/^https:\/\/docs\.slack\.dev\/reference\//);
  });

  test('ids and element texts: lengths, types and the text objects Slack accepts', () => {
    const long = 'x'.repeat(256);
    expect(rules(checkMessage(message([{ type: 'divider', block_id: long }])))).toContain('blockIdLength');
    expect(rules(checkMessage(message([{ type: 'actions', elements: [button(long)] }])))).toContain('actionIdLength');
    expect(rules(checkMessage(message([{ type: 'carousel' }])))).toContain('blockType');
    expect(rules(checkMessage(message([{ type: 'header', text: mrkdwn('*h*') }])))).toContain('textObject');
    expect(
      rules(
        checkMessage(
          message([{ type: 'actions', elements: [{ ...button('a'), url: `https://${'u'.repeat(3000)}` }] }]),
        ),
      ),
    ).toContain('buttonUrl');
    expect(rules(checkView(modal([input({ type: 'radio_buttons', action_id: 'r', options: options(11) })])))).toContain(
      'choiceCount',
    );
    expect(rules(checkView(modal([], { callback_id: long })))).toContain('callbackId');
  });

  test('which rules apply where: the Web API methods, a response_action, a Home tab', () => {
    const refused = message([{ type: 'actions', elements: [button('add'), button('add')] }]);
    for (const method of ['chat.postMessage', 'chat.postEphemeral', 'chat.update', 'response_url'])
      expect(rules(checkWebApiCall(method, refused))).toContain('actionIdUnique');
    for (const method of ['views.open', 'views.update', 'views.push', 'views.publish'])
      expect(rules(checkWebApiCall(method, { view: modal([], { title: plain('t'.repeat(40)) }) }))).toContain(
        'viewTitle',
      );
    expect(checkWebApiCall('users.info', { user: 'U1' })).toEqual([]);
    expect(rules(checkResponseBody({ response_action: 'update', view: modal([], { title: plain('') }) }))).toContain(
      'viewTitle',
    );
    expect(checkResponseBody({ response_action: 'errors', errors: { field: 'Say more' } })).toEqual([]);
    expect(rules(checkResponseBody(refused))).toContain('actionIdUnique');
    // A modal's 100 blocks are not a message's 50; a Home tab has no title.
    expect(checkView({ type: 'home', blocks: [{ type: 'divider' }] })).toEqual([]);
  });
});

/**
 * Slack's documented Block Kit and surface rules, as one checker that every payload of the test suite passes
 * through: the fake Slack checks each chat.postMessage, chat.postEphemeral, chat.update, views.* and response_url
 * body; the request helpers check each body the receiver answers with (a slash command's or an interaction's
 * response, a view_submission's response_action); the Socket Mode test checks each envelope's payload. A payload
 * that breaks a rule is refused as Slack refuses it and recorded here, and test/helpers/slack-rules-setup.ts fails
 * the test that made it, whatever else the test asserts.
 *
 * Each rule names the reference page it comes from. Slack's pages say some ids "should be unique"; Slack refuses a
 * payload whose ids repeat all the same (invalid_blocks), as projects found in production (knacklabs/gantry pull
 * request 458, haruotsu/slack-review-notify pull request 99; ../shared/reference/slack-platform.md).
 */

export type Surface = 'message' | 'modal' | 'home';

export interface Violation {
  rule: string;
  /** A JSON pointer into the payload, as Slack's own error messages give it ("/blocks/4/fields/0"). */
  path: string;
  detail: string;
}

const REF = {
  blocks: 'https://docs.slack.dev/reference/block-kit/blocks',
  section: 'https://docs.slack.dev/reference/block-kit/blocks/section-block',
  header: 'https://docs.slack.dev/reference/block-kit/blocks/header-block',
  context: 'https://docs.slack.dev/reference/block-kit/blocks/context-block',
  actions: 'https://docs.slack.dev/reference/block-kit/blocks/actions-block',
  input: 'https://docs.slack.dev/reference/block-kit/blocks/input-block',
  button: 'https://docs.slack.dev/reference/block-kit/block-elements/button-element',
  select: 'https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element',
  textInput: 'https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element',
  urlInput: 'https://docs.slack.dev/reference/block-kit/block-elements/url-input-element',
  checkboxes: 'https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element',
  radio: 'https://docs.slack.dev/reference/block-kit/block-elements/radio-button-group-element',
  option: 'https://docs.slack.dev/reference/block-kit/composition-objects/option-object',
  optionGroup: 'https://docs.slack.dev/reference/block-kit/composition-objects/option-group-object',
  text: 'https://docs.slack.dev/reference/block-kit/composition-objects/text-object',
  view: 'https://docs.slack.dev/reference/views',
  postMessage: 'https://docs.slack.dev/reference/methods/chat.postMessage',
  options: 'https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#external_select',
} as const;

/** Every rule the checker knows, by name, with its page: a violation names its rule, so a failure says where to read. */
export const RULES = {
  blockCount: REF.blocks,
  blockIdLength: REF.blocks,
  blockIdUnique: REF.blocks,
  blockType: REF.blocks,
  actionIdLength: REF.actions,
  actionIdUnique: REF.actions,
  sectionText: REF.section,
  sectionFields: REF.section,
  headerText: REF.header,
  contextElements: REF.context,
  actionsElements: REF.actions,
  inputLabel: REF.input,
  inputHint: REF.input,
  inputInMessage: REF.input,
  textObject: REF.text,
  buttonText: REF.button,
  buttonValue: REF.button,
  buttonUrl: REF.button,
  selectOptions: REF.select,
  optionGroups: REF.optionGroup,
  optionText: REF.option,
  optionValue: REF.option,
  initialOption: REF.select,
  placeholder: REF.select,
  maxLength: REF.textInput,
  choiceCount: REF.checkboxes,
  viewTitle: REF.view,
  viewSubmit: REF.view,
  viewClose: REF.view,
  viewSubmitNeeded: REF.view,
  privateMetadata: REF.view,
  callbackId: REF.view,
  messageText: REF.postMessage,
  messageEmpty: REF.postMessage,
  optionsResponse: REF.options,
} as const;

export type RuleName = keyof typeof RULES;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

class Checker {
  readonly violations: Violation[] = [];

  fail(rule: RuleName, path: string, detail: string): void {
    this.violations.push({ rule, path, detail: `${detail} (${RULES[rule]})` });
  }

  /** A text object: its type, 1 to max characters (plain_text where only plain text is allowed). */
  text(v: unknown, path: string, rule: RuleName, max: number, plainOnly = false): void {
    if (!isObject(v)) return this.fail('textObject', path, 'a text object is required here');
    const type = str(v.type);
    if (type !== 'plain_text' && type !== 'mrkdwn')
      return this.fail('textObject', path, `text type must be plain_text or mrkdwn, not ${String(v.type)}`);
    if (plainOnly && type !== 'plain_text') this.fail('textObject', path, 'only plain_text is allowed here');
    const t = str(v.text);
    if (t === undefined || t.length === 0) return this.fail(rule, `${path}/text`, 'text must not be empty');
    if (t.length > max) this.fail(rule, `${path}/text`, `${t.length} characters; at most ${max}`);
  }

  option(o: unknown, path: string): void {
    if (!isObject(o)) return this.fail('optionText', path, 'an option must be an object');
    this.text(o.text, `${path}/text`, 'optionText', 75);
    const value = str(o.value);
    if (value === undefined || value.length === 0) this.fail('optionValue', `${path}/value`, 'an option needs a value');
    else if (value.length > 150) this.fail('optionValue', `${path}/value`, `${value.length} characters; at most 150`);
    if (o.description !== undefined) this.text(o.description, `${path}/description`, 'optionText', 75, true);
  }

  /** options or option_groups of a static select (1 to 100 each), and an initial_option among them. */
  staticOptions(e: Json, path: string): void {
    const options = e.options;
    const groups = e.option_groups;
    const all: Json[] = [];
    if (Array.isArray(options)) {
      if (options.length < 1 || options.length > 100)
        this.fail('selectOptions', `${path}/options`, `${options.length} options; a select holds 1 to 100`);
      options.forEach((o, i) => {
        this.option(o, `${path}/options/${i}`);
        if (isObject(o)) all.push(o);
      });
    } else if (Array.isArray(groups)) {
      if (groups.length < 1 || groups.length > 100)
        this.fail('optionGroups', `${path}/option_groups`, `${groups.length} groups; a select holds 1 to 100`);
      groups.forEach((g, gi) => {
        const gp = `${path}/option_groups/${gi}`;
        if (!isObject(g)) return this.fail('optionGroups', gp, 'a group must be an object');
        this.text(g.label, `${gp}/label`, 'optionGroups', 75, true);
        const list = asArray(g.options);
        if (list.length < 1 || list.length > 100)
          this.fail('optionGroups', `${gp}/options`, `${list.length} options; a group holds 1 to 100`);
        list.forEach((o, i) => {
          this.option(o, `${gp}/options/${i}`);
          if (isObject(o)) all.push(o);
        });
      });
    } else this.fail('selectOptions', path, 'a static select needs options or option_groups');
    if (e.initial_option !== undefined) {
      const wanted = JSON.stringify(canonicalOption(e.initial_option));
      if (!all.some((o) => JSON.stringify(canonicalOption(o)) === wanted))
        this.fail('initialOption', `${path}/initial_option`, 'initial_option must equal one of the options');
    }
  }

  element(e: unknown, path: string): void {
    if (!isObject(e)) return this.fail('blockType', path, 'an element must be an object');
    const type = str(e.type);
    const actionId = str(e.action_id);
    if (actionId !== undefined && (actionId.length === 0 || actionId.length > 255))
      this.fail('actionIdLength', `${path}/action_id`, `${actionId.length} characters; 1 to 255`);
    if (e.placeholder !== undefined) this.text(e.placeholder, `${path}/placeholder`, 'placeholder', 150, true);
    switch (type) {
      case 'button': {
        this.text(e.text, `${path}/text`, 'buttonText', 75, true);
        const value = str(e.value);
        if (value !== undefined && value.length > 2000)
          this.fail('buttonValue', `${path}/value`, `${value.length} characters; at most 2000`);
        const url = str(e.url);
        if (url !== undefined && url.length > 3000)
          this.fail('buttonUrl', `${path}/url`, `${url.length} characters; at most 3000`);
        break;
      }
      case 'static_select':
      case 'multi_static_select':
        this.staticOptions(e, path);
        break;
      case 'external_select':
      case 'multi_external_select':
        if (e.initial_option !== undefined) this.option(e.initial_option, `${path}/initial_option`);
        break;
      case 'checkboxes':
      case 'radio_buttons': {
        const list = asArray(e.options);
        if (list.length < 1 || list.length > 10)
          this.fail('choiceCount', `${path}/options`, `${list.length} options; 1 to 10`);
        list.forEach((o, i) => this.option(o, `${path}/options/${i}`));
        break;
      }
      case 'plain_text_input': {
        for (const key of ['max_length', 'min_length'] as const) {
          const n = e[key];
          if (n !== undefined && (typeof n !== 'number' || n < 0 || n > 3000))
            this.fail('maxLength', `${path}/${key}`, `${String(n)}; at most 3000`);
        }
        const initial = str(e.initial_value);
        const max = typeof e.max_length === 'number' ? e.max_length : 3000;
        if (initial !== undefined && initial.length > max)
          this.fail('maxLength', `${path}/initial_value`, `${initial.length} characters past max_length ${max}`);
        break;
      }
      case 'url_text_input':
      case 'datepicker':
      case 'timepicker':
      case 'datetimepicker':
      case 'number_input':
      case 'email_text_input':
      case 'overflow':
      case 'users_select':
      case 'conversations_select':
      case 'channels_select':
      case 'image':
      case 'mrkdwn':
      case 'plain_text':
        break;
      default:
        this.fail('blockType', `${path}/type`, `unknown element type ${String(type)}`);
    }
  }

  block(b: unknown, path: string, surface: Surface, blockIds: Set<string>): void {
    if (!isObject(b)) return this.fail('blockType', path, 'a block must be an object');
    const blockId = str(b.block_id);
    if (blockId !== undefined) {
      if (blockId.length === 0 || blockId.length > 255)
        this.fail('blockIdLength', `${path}/block_id`, `${blockId.length} characters; 1 to 255`);
      if (blockIds.has(blockId)) this.fail('blockIdUnique', `${path}/block_id`, `block_id "${blockId}" repeats`);
      blockIds.add(blockId);
    }
    const actionIds = new Set<string>();
    const element = (e: unknown, p: string) => {
      this.element(e, p);
      const id = isObject(e) ? str(e.action_id) : undefined;
      if (id === undefined) return;
      if (actionIds.has(id)) this.fail('actionIdUnique', `${p}/action_id`, `action_id "${id}" repeats in its block`);
      actionIds.add(id);
    };
    switch (str(b.type)) {
      case 'section': {
        const fields = b.fields;
        if (b.text === undefined && fields === undefined)
          this.fail('sectionText', path, 'a section needs text or fields');
        if (b.text !== undefined) this.text(b.text, `${path}/text`, 'sectionText', 3000);
        if (fields !== undefined) {
          const list = asArray(fields);
          if (list.length < 1 || list.length > 10)
            this.fail('sectionFields', `${path}/fields`, `${list.length} fields; 1 to 10`);
          list.forEach((f, i) => this.text(f, `${path}/fields/${i}`, 'sectionFields', 2000));
        }
        if (b.accessory !== undefined) element(b.accessory, `${path}/accessory`);
        break;
      }
      case 'header':
        this.text(b.text, `${path}/text`, 'headerText', 150, true);
        break;
      case 'context': {
        const list = asArray(b.elements);
        if (list.length < 1 || list.length > 10)
          this.fail('contextElements', `${path}/elements`, `${list.length} elements; 1 to 10`);
        list.forEach((e, i) => {
          if (isObject(e) && (e.type === 'mrkdwn' || e.type === 'plain_text'))
            this.text(e, `${path}/elements/${i}`, 'textObject', 3000);
          else element(e, `${path}/elements/${i}`);
        });
        break;
      }
      case 'actions': {
        const list = asArray(b.elements);
        if (list.length < 1 || list.length > 25)
          this.fail('actionsElements', `${path}/elements`, `${list.length} elements; 1 to 25`);
        list.forEach((e, i) => element(e, `${path}/elements/${i}`));
        break;
      }
      case 'input':
        if (surface === 'message') this.fail('inputInMessage', path, 'input blocks belong in modals, not messages');
        this.text(b.label, `${path}/label`, 'inputLabel', 2000, true);
        if (b.hint !== undefined) this.text(b.hint, `${path}/hint`, 'inputHint', 2000, true);
        element(b.element, `${path}/element`);
        break;
      case 'divider':
      case 'image':
      case 'rich_text':
        break;
      default:
        this.fail('blockType', `${path}/type`, `unknown block type ${String(b.type)}`);
    }
  }

  blocks(list: unknown, path: string, surface: Surface): void {
    if (list === undefined) return;
    if (!Array.isArray(list)) return this.fail('blockType', path, 'blocks must be an array');
    const max = surface === 'message' ? 50 : 100;
    if (list.length > max) this.fail('blockCount', path, `${list.length} blocks; a ${surface} holds at most ${max}`);
    const ids = new Set<string>();
    list.forEach((b, i) => this.block(b, `${path}/${i}`, surface, ids));
  }
}

/** An option as Slack compares it: its text, value and description, whatever else it carries. */
function canonicalOption(o: unknown): unknown {
  if (!isObject(o)) return o;
  const text = isObject(o.text) ? { type: o.text.type, text: o.text.text } : o.text;
  return { text, value: o.value, description: o.description };
}

/**
 * A message (chat.postMessage, chat.postEphemeral, chat.update, a response_url body, a slash command's or a
 * button's response): its blocks, its text, and that it says something.
 */
export function checkMessage(payload: unknown): Violation[] {
  const c = new Checker();
  if (!isObject(payload)) {
    c.fail('messageEmpty', '', 'a message must be an object');
    return c.violations;
  }
  const text = payload.text;
  const blocks = payload.blocks;
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  if (typeof text === 'string' && text.length > 40_000)
    c.fail('messageText', '/text', `${text.length} characters; Slack keeps 40,000`);
  if (!hasBlocks && (typeof text !== 'string' || text.trim() === '') && payload.delete_original !== true)
    c.fail('messageEmpty', '', 'a message needs text or blocks (no_text)');
  c.blocks(blocks, '/blocks', 'message');
  return c.violations;
}

/** A view (views.open, views.update, views.push, views.publish, a response_action's view). */
export function checkView(view: unknown): Violation[] {
  const c = new Checker();
  if (!isObject(view)) {
    c.fail('blockType', '/view', 'a view must be an object');
    return c.violations;
  }
  const surface: Surface = view.type === 'home' ? 'home' : 'modal';
  if (surface === 'modal') {
    c.text(view.title, '/view/title', 'viewTitle', 24, true);
    if (view.submit !== undefined) c.text(view.submit, '/view/submit', 'viewSubmit', 24, true);
    if (view.close !== undefined) c.text(view.close, '/view/close', 'viewClose', 24, true);
    const hasInput = asArray(view.blocks).some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined)
      c.fail('viewSubmitNeeded', '/view/submit', 'a modal with input blocks needs a submit button');
  }
  const metadata = view.private_metadata;
  if (typeof metadata === 'string' && metadata.length > 3000)
    c.fail('privateMetadata', '/view/private_metadata', `${metadata.length} characters; at most 3000`);
  const callback = view.callback_id;
  if (typeof callback === 'string' && callback.length > 255)
    c.fail('callbackId', '/view/callback_id', `${callback.length} characters; at most 255`);
  c.blocks(view.blocks, '/view/blocks', surface);
  return c.violations;
}

/**
 * What answers a block_suggestion (an external select's options): at most 100 options, or option groups, each
 * option within the option object's limits.
 */
export function checkOptionsResponse(body: unknown): Violation[] {
  const c = new Checker();
  if (!isObject(body)) {
    c.fail('optionsResponse', '', 'an options response must be an object');
    return c.violations;
  }
  if (Array.isArray(body.options)) {
    if (body.options.length > 100) c.fail('optionsResponse', '/options', `${body.options.length} options; at most 100`);
    body.options.forEach((o, i) => c.option(o, `/options/${i}`));
  } else if (Array.isArray(body.option_groups)) {
    if (body.option_groups.length > 100)
      c.fail('optionsResponse', '/option_groups', `${body.option_groups.length} groups; at most 100`);
  } else c.fail('optionsResponse', '', 'an options response needs options or option_groups');
  return c.violations;
}

/**
 * The body of an HTTP response the bot gives Slack: a slash command's or an interaction's message, a
 * response_action (errors, or a view to update or push), or a block_suggestion's options.
 */
export function checkResponseBody(body: unknown): Violation[] {
  if (!isObject(body)) return [];
  if (body.response_action === 'update' || body.response_action === 'push') return checkView(body.view);
  if (body.response_action !== undefined) return [];
  if ('options' in body || 'option_groups' in body) return checkOptionsResponse(body);
  if ('blocks' in body || 'text' in body) return checkMessage(body);
  return [];
}

/** The payload of one Web API method, checked by the rules of its surface; [] for a method that carries none. */
export function checkWebApiCall(method: string, body: Record<string, unknown>): Violation[] {
  switch (method) {
    case 'chat.postMessage':
    case 'chat.postEphemeral':
    case 'chat.update':
    case 'response_url':
      return checkMessage(body);
    case 'views.open':
    case 'views.update':
    case 'views.push':
    case 'views.publish':
      return checkView(body.view);
    default:
      return [];
  }
}

// What the suite's payloads broke, until the running test ends (slack-rules-setup.ts reads and clears it).
const seen: { where: string; violations: Violation[] }[] = [];

/** Records what a payload broke, for the running test to fail on; returns the violations. */
export function record(where: string, violations: Violation[]): Violation[] {
  if (violations.length > 0) seen.push({ where, violations });
  return violations;
}

/** What the payloads of the running test broke, cleared. */
export function takeRecorded(): { where: string; violations: Violation[] }[] {
  return seen.splice(0, seen.length);
}

/** One line per violation, for a test's failure message. */
export function describeViolations(found: { where: string; violations: Violation[] }[]): string {
  return found
    .flatMap(({ where, violations }) => violations.map((v) => `${where}: ${v.rule} at ${v.path}: ${v.detail}`))
    .join('\n');
}

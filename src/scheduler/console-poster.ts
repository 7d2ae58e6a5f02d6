import type { Target } from '../store/reminders';
import type { Reply } from '../views/doc';
import { SOURCE_EVENT_TYPE } from '../views/ids';
import { toPlainText } from '../views/render-text';
import type { PostedMessage, ReminderMetadata, ReminderPoster } from './poster';

/** The console front end's reminders and watched sources' new items: printed as they come. */
export class ConsolePoster implements ReminderPoster {
  private count = 0;

  constructor(private readonly screen: { print(text: string): void }) {}

  async post(_target: Target, reply: Reply, metadata: ReminderMetadata): Promise<PostedMessage> {
    this.count += 1;
    const label = metadata.event_type === SOURCE_EVENT_TYPE ? 'new from a watched source' : 'reminder';
    this.screen.print(`\n[${label}] ${toPlainText(reply)}\n\n`);
    return { channel: 'console', ts: String(this.count) };
  }

  async findPosted(): Promise<PostedMessage | undefined> {
    return undefined;
  }

  async join(): Promise<boolean> {
    return false;
  }

  async notify(): Promise<void> {}
}

import type { Target } from '../store/reminders';
import type { Reply } from '../views/doc';
import { toPlainText } from '../views/render-text';
import type { PostedMessage, ReminderMetadata, ReminderPoster } from './poster';

/** The console front end's reminders: printed as they fire. */
export class ConsolePoster implements ReminderPoster {
  private count = 0;

  constructor(private readonly screen: { print(text: string): void }) {}

  async post(_target: Target, reply: Reply, _metadata: ReminderMetadata): Promise<PostedMessage> {
    this.count += 1;
    this.screen.print(`\n[reminder] ${toPlainText(reply)}\n\n`);
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

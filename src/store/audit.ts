import type { Transaction } from 'kysely';
import type { Actor } from '../incident/model';
import type { Database } from './schema';

/** One audit row, written in the transaction of the change it records (which is what moves the state version). */
export async function audit(
  tx: Transaction<Database>,
  incidentId: string,
  actor: Actor,
  at: Date,
  action: string,
  subject: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await tx
    .insertInto('audit')
    .values({
      incident_id: incidentId,
      at: at.toISOString(),
      actor_id: actor.id,
      action,
      subject,
      detail: JSON.stringify(detail),
    })
    .execute();
}

import type { Insertable, Kysely } from 'kysely';
import type { Actor } from '../incident/model';
import type { Database } from './schema';

/** The values of one audit row. */
export function auditRow(
  incidentId: string,
  actor: Actor,
  at: Date,
  action: string,
  subject: string,
  detail: Record<string, unknown>,
): Insertable<Database['audit']> {
  return {
    incident_id: incidentId,
    at: at.toISOString(),
    actor_id: actor.id,
    action,
    subject,
    detail: JSON.stringify(detail),
  };
}

/** One audit row, written in the transaction of the change it records (which is what moves the state version). */
export async function audit(tx: Kysely<Database>, ...row: Parameters<typeof auditRow>): Promise<void> {
  await tx
    .insertInto('audit')
    .values(auditRow(...row))
    .execute();
}

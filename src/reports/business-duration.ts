import { businessMilliseconds, inboxBusinessHours, type BusinessHours } from '../business-hours';
import type { Db } from '../store/unit-of-work';
import { wallClock, type Duration } from './figures';

/**
 * Business-hours time per inbox, from each inbox's current `settings.businessHours`
 * (src/business-hours): only the time the inbox was open counts. An inbox without hours
 * — or with a stored value the API would refuse (a hand-edited database) — counts
 * wall-clock time, so a report never fails over one inbox's settings.
 */
export async function inboxBusinessDuration(db: Db): Promise<Duration> {
  const rows = await db.selectFrom('inboxes').select(['id', 'settings']).execute();
  const hours = new Map<number, BusinessHours>();
  for (const r of rows) {
    try {
      const h = inboxBusinessHours(r.settings as Record<string, unknown>);
      if (h) hours.set(r.id, h);
    } catch {
      // invalid stored hours: wall-clock for this inbox
    }
  }
  return (inboxId, from, to) => {
    const h = hours.get(inboxId);
    return h ? businessMilliseconds(h, from, to) : wallClock(inboxId, from, to);
  };
}

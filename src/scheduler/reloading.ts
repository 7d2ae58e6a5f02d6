import type { Logger } from 'pino';
import type { BrokenFile } from '../incident/catalog';
import type { DataSetReloader } from '../incident/reload';
import type { StartedIncident } from '../incident/started';

export interface Reloading {
  /** One check now (tests, and the first tick). */
  check(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Checks the data set files every `everyMs` (incident/reload.ts). When the incidents change, `onChange` runs (the
 * scheduler starts again on the new ones); a file newly found broken goes to `onBroken` (the log and the admins'
 * DMs). One check at a time; a check that throws is logged and the next one runs as usual.
 */
export function startReloading(o: {
  reloader: DataSetReloader;
  /** The incidents started in Slack, read from the store at each check. */
  started: () => Promise<StartedIncident[]>;
  /** 0: checked once now, and never again. */
  everyMs: number;
  log: Logger;
  onChange: () => Promise<void>;
  onBroken: (broken: BrokenFile[]) => Promise<void>;
}): Reloading {
  let running: Promise<void> | undefined;
  // The incidents started in Slack as last read: while the store does not answer, the files' edits still apply.
  let lastStarted: StartedIncident[] | undefined;
  let storeDown = false;
  const started = async (): Promise<StartedIncident[]> => {
    try {
      lastStarted = await o.started();
      storeDown = false;
      return lastStarted;
    } catch (error) {
      if (lastStarted === undefined) throw error;
      if (!storeDown)
        o.log.warn(
          { err: error },
          'the store is not answering: data set files are checked with the incidents started in Slack as last read',
        );
      storeDown = true;
      return lastStarted;
    }
  };
  const check = (): Promise<void> => {
    running ??= (async () => {
      const { changed, newlyBroken } = o.reloader.check(await started());
      for (const b of newlyBroken)
        o.log.warn(
          { file: b.file, incident: b.incidentId, findings: b.findings },
          b.incidentId
            ? 'a data set file changed and fails the checks: its last good version stays in use'
            : 'a data set file fails the checks and is not used',
        );
      if (changed) {
        o.log.info({ file: 'data sets' }, 'data set files changed: the incidents were read again');
        await o.onChange();
      }
      if (newlyBroken.length > 0) await o.onBroken(newlyBroken);
    })()
      .catch((error: unknown) => o.log.error({ err: error }, 'checking the data set files failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = o.everyMs > 0 ? setInterval(() => void check(), o.everyMs) : undefined;
  timer?.unref();
  return {
    check,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * A restore that dies: `tsx restore-crash-child.ts <backup> <dataDir> <step>` runs the real
 * restore and SIGKILLs its own process when it reaches <step> (no cleanup, no exit handlers, as
 * in a crash). Used by restore.crash.test.ts.
 */
import { restore, RESTORE_STEPS, type RestoreStep } from '../services/restore.ts';

const [backupDir, dataDir, crashAt] = process.argv.slice(2) as [string, string, RestoreStep];
if (!RESTORE_STEPS.includes(crashAt)) throw new Error(`unknown step ${crashAt}`);
restore(backupDir, dataDir, {
  force: true,
  onStep: (step) => {
    if (step === crashAt) process.kill(process.pid, 'SIGKILL');
  },
});
// Reaching this line means the step was never reached: the test sees exit code 0 instead of a kill.

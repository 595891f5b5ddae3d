/**
 * Builds dist/ once before the tests, so tests that spawn the CLI run the current code: the
 * compiled modules (dist/src), the web UI's bundle (dist/ui), which the server's tests and the
 * browser tests serve, and the CLI's bundle (dist/bundle), which is what `logpipe` runs. Type errors do
 * not stop the run here (tsc still emits; `npm test` type-checks first and fails on them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Also makes the run's one temporary folder, under which every test's `tempDir()` goes
 * (`TEST_TMP_ROOT`, handed to the test processes through the environment), and removes it
 * when the run ends, so a run no longer leaves its tests' folders behind in the system's temp
 * folder (hundreds a run). `KEEP_TEST_DIRS=1` keeps it, for looking into a failure. (Not
 * `LOGPIPE_…` names: those are config settings, core/config.ts, and logpipe refuses unknown ones.)
 */
export default function setup(): () => void {
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch {
    if (!existsSync('dist/src/cli/main.js')) throw new Error('the build produced no dist/src/cli/main.js');
    process.stderr.write('global-setup: tsc reported type errors; running the tests on what it emitted\n');
  }
  execFileSync(process.execPath, ['scripts/build-ui.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const root = mkdtempSync(join(tmpdir(), 'logpipe-tests-'));
  process.env.TEST_TMP_ROOT = root;
  return () => {
    if (process.env.KEEP_TEST_DIRS === '1') {
      process.stderr.write(`global-setup: the tests' folders are kept in ${root}\n`);
      return;
    }
    try {
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      // A process a test left running may still write there: said, not a failed run.
      process.stderr.write(`global-setup: could not remove ${root}: ${(err as Error).message}\n`);
    }
  };
}

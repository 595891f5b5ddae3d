/**
 * Builds dist/ once before the tests, so tests that spawn the CLI run the current code: the
 * compiled modules (dist/src), the web UI's bundle (dist/ui), which the server's tests and the
 * browser tests serve, and the CLI's bundle (dist/bundle), which is what `logpipe` runs. Type errors do
 * not stop the run here (tsc still emits; `npm test` type-checks first and fails on them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export default function setup(): void {
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
}

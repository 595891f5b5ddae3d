/** `logpipe verify`: prove that what a generator wrote reached the store exactly once. */

import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { action } from './common.js';
import { dataDirFromFlags } from './config-flags.js';

interface VerifyFlags {
  manifest: string;
  dataDir?: string;
  base?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('Compare a generator manifest with what the store holds: lost and duplicated lines')
    .requiredOption('-m, --manifest <file>', 'manifest written by logpipe generate --manifest')
    .option(
      '-d, --data-dir <dir>',
      'data directory of the store (env LOGPIPE_DATA_DIR; default ./logpipe-data)',
    )
    .option(
      '--base <dir>',
      "directory the manifest's relative file names are relative to (default: the directory generate ran in, as the manifest records; for older manifests, the manifest's)",
    )
    .option('--json', 'print the verdict as JSON')
    .addHelpText(
      'after',
      `
Exit code 0 when every file's lines are stored exactly once with matching checksums, 1 when
anything was lost, duplicated or changed. Works on a running pipeline or a stopped store.

Example:
  logpipe generate -f apache_combined -o logs/app.log --count 100000 --manifest app.json
  logpipe verify --manifest app.json`,
    )
    .action(
      action(async (flags: VerifyFlags) => {
        const [{ readManifest }, { verifyManifest }] = await Promise.all([
          import('../generator/index.js'),
          import('../pipeline/verify.js'),
        ]);
        const manifest = readManifest(flags.manifest);
        const dataDir = resolve(dataDirFromFlags(flags));
        // Names as generate wrote them: relative to where it ran, which the manifest records.
        const base = resolve(flags.base ?? manifest.base_dir ?? dirname(resolve(flags.manifest)));
        const { run, close } = await sqlRunner(dataDir);
        let verdict: Awaited<ReturnType<typeof verifyManifest>>;
        try {
          verdict = await verifyManifest(manifest, run, base);
        } finally {
          await close();
        }
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
        } else {
          for (const f of verdict.files) {
            process.stdout.write(
              `${f.ok ? 'ok  ' : 'FAIL'} ${f.file}: expected ${f.expected}, stored ${f.stored}, lost ${f.lost}, duplicated ${f.duplicated}, noise ${f.noiseStored}/${f.noiseExpected}, checksum ${f.checksumStored === f.checksumExpected ? 'matches' : `${f.checksumStored} != ${f.checksumExpected}`}${f.sources.length === 0 ? ` (no source ${sourceName(base, f.file)} in the store)` : ''}\n`,
            );
          }
          process.stdout.write(
            `lost ${verdict.lost}, duplicated ${verdict.duplicated}: ${verdict.ok ? 'OK' : 'MISMATCH'}\n`,
          );
        }
        if (!verdict.ok) process.exitCode = 1;
      }),
    );
}

/** The store's name for a manifest's file: its absolute path (streams and URLs as they are). */
function sourceName(base: string, file: string): string {
  return file.includes('://') || file === 'stdout' || file === 'stream' ? file : resolve(base, file);
}

/** Read-only SQL against the store: through its running owner, or opened read-only. */
async function sqlRunner(dataDir: string) {
  const { findServer } = await import('../server/discovery.js');
  const server = await findServer(dataDir);
  if (server) {
    return {
      run: async (sql: string) => {
        const res = await fetch(`${server.url}/api/query?${new URLSearchParams({ sql })}`, {
          headers: server.token ? { authorization: `Bearer ${server.token}` } : {},
        });
        const body = (await res.json()) as { rows?: Record<string, unknown>[]; error?: { message: string } };
        if (body.error) throw new UsageError(`the storage process answered: ${body.error.message}`);
        return body.rows ?? [];
      },
      close: async () => {},
    };
  }
  const [{ openStoreReadOnly }, { runSql }] = await Promise.all([
    import('../pipeline/open-store.js'),
    import('../server/query-service.js'),
  ]);
  const store = await openStoreReadOnly(dataDir);
  return { run: async (sql: string) => (await runSql(store, sql)).rows, close: () => store.close() };
}

/**
 * A store filled as the demo fills one (src/pipeline/demo.ts): each demo generator's lines,
 * written by `logpipe generate` and imported with its source's format and service. The lines
 * end about a minute before now, so `--since 5m` finds them.
 */
import { join } from 'node:path';
import { demoConfig } from '../../src/pipeline/demo.js';
import { runCli, tempDir } from './cli.js';

interface DemoGenerator {
  name: string;
  format: string;
  path: string;
  rate: number;
}
interface DemoSource {
  paths: string[];
  format: string;
  service?: string;
}

/** Seconds of the demo's traffic the store holds. */
const SECONDS = 240;

/** Fills a fresh data dir from the demo's generators and sources; returns it. */
export async function demoStore(): Promise<string> {
  const dir = tempDir('logpipe-demo-');
  const data = join(dir, 'data');
  const demo = demoConfig() as { generators: DemoGenerator[]; sources: DemoSource[] };
  const at = (p: string) => p.replaceAll('${data_dir}', data);
  for (const [i, g] of demo.generators.entries()) {
    const r = await runCli([
      'generate',
      '--format',
      g.format,
      '--count',
      String(g.rate * SECONDS),
      '--rate',
      String(g.rate),
      '--start-time',
      `${SECONDS + 60}s`,
      '--seed',
      String(i + 1),
      '-o',
      at(g.path),
    ]);
    if (r.code !== 0) throw new Error(`generate ${g.name}: ${r.stderr}`);
  }
  for (const s of demo.sources) {
    const r = await runCli([
      'store',
      '-d',
      data,
      '--import',
      at(s.paths[0]),
      '--format',
      s.format,
      ...(s.service ? ['--service', s.service] : []),
      '--no-server',
      '-q',
    ]);
    if (r.code !== 0) throw new Error(`store --import ${s.paths[0]}: ${r.stderr}`);
  }
  return data;
}

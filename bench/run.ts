/**
 * `npm run bench`: runs every `bench/*.bench.js` module (or those named on the command line) and
 * prints one table of figures against their goals. Timing goals live here, never in tests.
 */
import { readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename } from 'node:path';
import type { Bench, BenchRow } from './types.js';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

const rows: BenchRow[] = [];
for (const f of files) {
  process.stderr.write(`bench: ${basename(f, '.bench.js')} ...\n`);
  const mod = (await import(`${dir}/${f}`)) as { default: Bench };
  rows.push(...(await mod.default()));
}

// The date and machine beside the figures: absolute figures mean little without them.
const cpu = cpus();
console.log(
  `${new Date().toISOString().slice(0, 16)}Z, ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end`,
);
const fmt = (n: number) =>
  n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 3 });
const table = [
  ['benchmark', 'value', 'unit', 'goal', 'note'],
  ...rows.map((r) => [r.name, fmt(r.value), r.unit, r.goal ?? '', r.note ?? '']),
];
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
for (const [i, row] of table.entries()) {
  console.log(
    row
      .map((c, j) => (j === 1 ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd(),
  );
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}

/**
 * Writes the peers suite's real-shaped corpus to a directory, once, so it can be profiled and
 * imported by hand (`logpipe store --import DIR/*.log`, `node --cpu-prof ...`):
 *
 *   node dist/bench/write-real-corpus.js DIR [lines] [days]
 *
 * `lines` defaults to 1,000,000 (the peers suite's, shared evenly among the systems), `days` to
 * 181: times run from that many days before today (UTC midnight) to today, as in the suite.
 * The same arguments on the same day write the same files.
 */
import { mkdirSync } from 'node:fs';
import { writeRealShapedCorpus } from './peers/real-corpus.js';

const [dir, linesArg, daysArg] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: node dist/bench/write-real-corpus.js DIR [lines] [days]\n');
  process.exit(2);
}
const lines = Number(linesArg ?? 1_000_000);
const days = Number(daysArg ?? 181);
if (!Number.isInteger(lines) || lines <= 0 || !Number.isInteger(days) || days <= 0) {
  process.stderr.write(
    `write-real-corpus: lines and days must be positive whole numbers, got ${linesArg} ${daysArg}\n`,
  );
  process.exit(2);
}
const toMs = Math.floor(Date.now() / 86_400_000) * 86_400_000;
mkdirSync(dir, { recursive: true });
const written = await writeRealShapedCorpus(dir, lines, { seed: 42, fromMs: toMs - days * 86_400_000, toMs });
process.stdout.write(
  `${written.lines.toLocaleString('en-US')} lines, ${written.bytes.toLocaleString('en-US')} bytes in ${written.files.length} files under ${dir}\n`,
);

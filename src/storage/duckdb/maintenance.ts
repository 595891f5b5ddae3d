/**
 * The maintenance pass: the kind's seals (finished windows into partitions), then retention; one
 * pass at a time, on demand and, when the options ask, on a timer.
 */
import type { MaintainOptions, MaintenanceReport } from '../../core/storage.js';
import { unlinksDone } from './leases.js';
import { applyRetention } from './retention.js';
import { emptyReport, type StoreState } from './state.js';

/** A pass's seals (none in memory). */
export type Sealer = (s: StoreState, report: MaintenanceReport) => Promise<void>;

/**
 * Seals finished windows into partitions, then applies retention. Joins a pass already running
 * (which then keeps its own options).
 */
export function maintain(
  s: StoreState,
  seal: Sealer,
  opts: MaintainOptions = {},
): Promise<MaintenanceReport> {
  return s.maintaining.join(() => maintainNow(s, seal, opts));
}

async function maintainNow(s: StoreState, seal: Sealer, opts: MaintainOptions): Promise<MaintenanceReport> {
  const report = emptyReport();
  if (s.closed) return report;
  s.sealAlone = opts.alone === true;
  try {
    await seal(s, report);
  } finally {
    s.sealAlone = false;
  }
  await s.background.run(() => applyRetention(s, report));
  // The disk a pass frees is free when it returns (files queries still read go when they end).
  await unlinksDone(s.files);
  return report;
}

/** Runs maintenance every `maintenanceIntervalMs`, when the options give one. */
export function startMaintenance(s: StoreState, seal: Sealer): void {
  if (!s.opts.maintenanceIntervalMs) return;
  const timer = setInterval(() => {
    maintain(s, seal).catch((err) => s.opts.log?.warn(`store maintenance failed: ${(err as Error).message}`));
  }, s.opts.maintenanceIntervalMs);
  timer.unref();
  s.timers.push(timer);
}

/** One figure a benchmark reports: what was measured, its value, and the goal it is held to. */
export interface BenchRow {
  /** Stage and scenario, e.g. `parse apache_combined`. */
  name: string;
  value: number;
  unit: string;
  /** The goal figure, when the project has one. */
  goal?: string;
  /** Free-form detail (input size, settings). */
  note?: string;
}

/** A benchmark module's default export. */
export type Bench = () => Promise<BenchRow[]>;

/**
 * The file collector's pacing: at most a few batches out unacknowledged (reading waits for room,
 * so a slow consumer slows reading and memory stays bounded), a sleep between polls that stop()
 * cuts short, and close()'s bounded wait for the last acknowledgements.
 */
export class FlowControl {
  /** Batches handed out and not acknowledged yet. */
  inFlight = 0;
  private stopped = false;
  private waiters: Array<() => void> = [];
  private sleepTimer: NodeJS.Timeout | null = null;
  private sleepWake: (() => void) | null = null;

  /** `maxInFlight`: unacknowledged batches at most. */
  constructor(private readonly maxInFlight: number) {}

  /** Counts a batch handed out. */
  sent(): void {
    this.inFlight++;
  }

  /** Counts a batch acknowledged, and wakes whoever waits for room or for acknowledgements. */
  acked(): void {
    this.inFlight--;
    this.wake();
  }

  /** Whether reading waits for an acknowledgement before it hands out another batch. */
  full(): boolean {
    return this.inFlight >= this.maxInFlight;
  }

  /** Resolves once there is room for another batch, or at stop(). */
  async waitForRoom(): Promise<void> {
    while (this.inFlight >= this.maxInFlight && !this.stopped) {
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Resolves after `ms`, or at stop(). */
  sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      this.sleepWake = r;
      this.sleepTimer = setTimeout(() => {
        this.sleepTimer = null;
        this.sleepWake = null;
        r();
      }, ms);
    });
  }

  /** Resolves once every batch is acknowledged, or at `deadline` (epoch ms). */
  async waitForAcks(deadline: number): Promise<void> {
    while (this.inFlight > 0 && Date.now() < deadline) {
      await new Promise<void>((r) => {
        const timer = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
  }

  /** Ends the waits for room and the sleep: reading stops. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
    if (this.stopped && this.sleepWake) {
      if (this.sleepTimer) clearTimeout(this.sleepTimer);
      this.sleepTimer = null;
      const w = this.sleepWake;
      this.sleepWake = null;
      w();
    }
  }
}

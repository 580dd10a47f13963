/**
 * A webhook sender's waits (a delivery delay, the backoff between attempts): each ends at its time, or at
 * once when the sender stops, so a stopping simulator never waits one out. The timers never hold the process open.
 */
export class RetryWaits {
  private readonly sleeping = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref?.();
      this.sleeping.add(wake);
    });
  }

  /** Ends every wait now. */
  wakeAll(): void {
    for (const wake of this.sleeping) wake();
  }
}

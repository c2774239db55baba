/**
 * A bound on expensive work done at once: at most `concurrency` tasks run, at most `queueLimit`
 * anonymous ones wait, and the next anonymous one is refused at once (the caller's refusal, with the
 * seconds the queue ahead needs to drain) instead of waiting behind a flood. Signed-in callers wait
 * ahead of anonymous ones and are never refused: they are few and known. Slots pass in arrival order
 * within each priority, so a newcomer never overtakes the queue.
 */
export type GatePriority = 'anonymous' | 'signed-in';

export interface WorkGateOptions {
  /** Tasks that run at once. */
  readonly concurrency: number;
  /** Anonymous tasks that may wait for a free slot; beyond this they are refused. */
  readonly queueLimit: number;
}

/** Gives back a slot; calling it again does nothing. */
export type Release = () => void;

export class WorkGate {
  private running = 0;
  private readonly signedIn: (() => void)[] = [];
  private readonly anonymous: (() => void)[] = [];
  /** A moving average of how long a slot was held (ms), for the wait a refusal announces. */
  private averageMs: number;

  /**
   * @param refuse builds the error an anonymous task gets when the queue is full, from the whole seconds
   *   (at least 1) the work ahead of it needs.
   * @param firstEstimateMs how long a task is assumed to take before any has been measured.
   */
  constructor(
    readonly options: WorkGateOptions,
    private readonly refuse: (retryAfterSeconds: number) => Error,
    firstEstimateMs = 20,
  ) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError('the concurrency must be a whole number of at least 1');
    if (!Number.isInteger(options.queueLimit) || options.queueLimit < 0)
      throw new RangeError('the queue limit must be a whole number of at least 0');
    this.averageMs = firstEstimateMs;
  }

  /** Tasks running and waiting now (for metrics and tests). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.signedIn.length + this.anonymous.length };
  }

  /**
   * Waits for a slot and returns its release.
   * @throws the refusal, at once, when an anonymous caller finds the queue full.
   */
  async acquire(priority: GatePriority = 'anonymous'): Promise<Release> {
    const waiting = this.signedIn.length + this.anonymous.length;
    if (this.running < this.options.concurrency && waiting === 0) {
      this.running++;
    } else {
      if (priority === 'anonymous' && this.anonymous.length >= this.options.queueLimit) {
        throw this.refuse(this.drainSeconds());
      }
      await new Promise<void>((resolve) => {
        (priority === 'signed-in' ? this.signedIn : this.anonymous).push(resolve);
      });
    }
    const started = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.averageMs = this.averageMs * 0.9 + (performance.now() - started) * 0.1;
      this.release();
    };
  }

  /** Runs `task` in a slot. @throws the refusal when an anonymous caller finds the queue full. */
  async run<T>(task: () => Promise<T>, priority: GatePriority = 'anonymous'): Promise<T> {
    const release = await this.acquire(priority);
    try {
      return await task();
    } finally {
      release();
    }
  }

  private release(): void {
    const next = this.signedIn.shift() ?? this.anonymous.shift();
    // The slot passes straight to the next waiter (the count stays), so nobody can take it in between.
    if (next) next();
    else this.running--;
  }

  /** The time the work ahead needs, in whole seconds, at least 1. */
  private drainSeconds(): number {
    const ahead = this.running + this.signedIn.length + this.anonymous.length;
    return Math.max(1, Math.ceil((ahead * this.averageMs) / this.options.concurrency / 1000));
  }
}

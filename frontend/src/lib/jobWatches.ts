import { describeError, type Job } from "./api/client";
import { jobResult, watchJob } from "./jobs";

export interface WatchHandlers {
  onProgress?: (job: Job) => void;
  onDone: (result: unknown) => void;
  onError: (message: string) => void;
}

type Watcher = (jobId: string, onUpdate: (job: Job) => void, signal: AbortSignal) => Promise<Job | null>;

/** At most one watch per job id; a finished or aborted watch never removes a newer one of the same job. */
export class JobWatches {
  private readonly active = new Map<string, AbortController>();

  constructor(private readonly watcher: Watcher = (jobId, onUpdate, signal) => watchJob(jobId, onUpdate, signal)) {}

  has(jobId: string): boolean {
    return this.active.has(jobId);
  }

  /** Follow `jobId` unless it is already followed; its result or error is reported once. */
  start(jobId: string, { onProgress, onDone, onError }: WatchHandlers): void {
    if (this.active.has(jobId)) return;
    const controller = new AbortController();
    this.active.set(jobId, controller);
    this.watcher(jobId, (job) => onProgress?.(job), controller.signal)
      .then((job) => {
        if (job && !controller.signal.aborted) onDone(jobResult<unknown>(job));
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) onError(describeError(error));
      })
      .finally(() => {
        if (this.active.get(jobId) === controller) this.active.delete(jobId);
      });
  }

  /** Abort every watch (the page is going away). */
  stopAll(): void {
    this.active.forEach((controller) => controller.abort());
    this.active.clear();
  }
}

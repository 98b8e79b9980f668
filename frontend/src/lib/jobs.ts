import { api, toApiError, type Job } from "./api/client";
import { jobStream, type JobStream } from "./jobStream";

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "canceled";

export function isTerminal(status: string): boolean {
  return status === "succeeded" || status === "failed" || status === "canceled";
}

export async function fetchJob(jobId: string): Promise<Job> {
  const outcome = await api.GET("/api/jobs/{job_id}", { params: { path: { job_id: jobId } } });
  if (outcome.response.ok && outcome.data) return outcome.data;
  throw toApiError(outcome.response.status, outcome.error);
}

/** How often a job is polled while the event stream delivers its updates (a safety net only). */
export const SAFETY_POLL_MS = 5000;

export type WatchOptions = {
  /** Poll interval while the event stream is not delivering. */
  intervalMs?: number;
  stream?: JobStream;
  fetch?: (jobId: string) => Promise<Job>;
};

/**
 * Follow a job until it ends, reporting every newer state seen. Updates come from the shared event
 * stream; polling runs beside it (slowly while the stream is healthy). Resolves with the final job,
 * or null when aborted. Network hiccups are retried; a 404 ends the watch with an error.
 */
export function watchJob(
  jobId: string,
  onUpdate: (job: Job) => void,
  signal?: AbortSignal,
  { intervalMs = 700, stream = jobStream, fetch = fetchJob }: WatchOptions = {},
): Promise<Job | null> {
  return new Promise((resolve, reject) => {
    let done = false;
    let latest = 0;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = stream.follow(jobId, (job) => seen(job));
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      stop();
      if (timer) clearTimeout(timer);
      settle();
    };
    const seen = (job: Job) => {
      if (done || job.updated_at < latest) return;
      latest = job.updated_at;
      onUpdate(job);
      if (isTerminal(job.status)) finish(() => resolve(job));
    };
    const poll = async () => {
      try {
        const job = await fetch(jobId);
        failures = 0;
        seen(job);
      } catch (error) {
        failures += 1;
        const status = (error as { status?: number }).status;
        if (status === 404 || status === 422 || failures > 20) finish(() => reject(error));
      }
      if (!done) timer = setTimeout(poll, stream.healthy ? SAFETY_POLL_MS : intervalMs);
    };
    if (signal?.aborted) return finish(() => resolve(null));
    signal?.addEventListener("abort", () => finish(() => resolve(null)));
    void poll();
  });
}

/** The result body of a finished job, or throw with its error sentence. */
export function jobResult<T>(job: Job): T {
  if (job.status === "succeeded" && job.result) return job.result as T;
  const detail = job.error?.detail ?? (job.status === "canceled" ? "The job was canceled." : "The job failed.");
  throw toApiError(500, { error: job.error?.error ?? "JobFailed", detail });
}

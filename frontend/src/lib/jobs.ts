import { api, toApiError, type Job } from "./api/client";

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "canceled";

export function isTerminal(status: string): boolean {
  return status === "succeeded" || status === "failed" || status === "canceled";
}

export async function fetchJob(jobId: string): Promise<Job> {
  const outcome = await api.GET("/api/jobs/{job_id}", { params: { path: { job_id: jobId } } });
  if (outcome.response.ok && outcome.data) return outcome.data;
  throw toApiError(outcome.response.status, outcome.error);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Follow a job until it ends, reporting every state seen. Resolves with the final job,
 * or null when aborted. Network hiccups are retried; a 404 ends the watch with an error.
 */
export async function watchJob(
  jobId: string,
  onUpdate: (job: Job) => void,
  signal?: AbortSignal,
  intervalMs = 700,
): Promise<Job | null> {
  let failures = 0;
  while (!signal?.aborted) {
    try {
      const job = await fetchJob(jobId);
      failures = 0;
      if (signal?.aborted) return null;
      onUpdate(job);
      if (isTerminal(job.status)) return job;
    } catch (error) {
      failures += 1;
      const status = (error as { status?: number }).status;
      if (status === 404 || status === 422 || failures > 20) throw error;
    }
    await sleep(intervalMs, signal);
  }
  return null;
}

/** The result body of a finished job, or throw with its error sentence. */
export function jobResult<T>(job: Job): T {
  if (job.status === "succeeded" && job.result) return job.result as T;
  const detail = job.error?.detail ?? (job.status === "canceled" ? "The job was canceled." : "The job failed.");
  throw toApiError(500, { error: job.error?.error ?? "JobFailed", detail });
}

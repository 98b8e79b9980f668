import { describe, expect, it } from "vitest";
import type { Job } from "./api/client";
import { JobWatches } from "./jobWatches";

const JOB = "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11";

function finished(id: string, status: Job["status"] = "succeeded"): Job {
  return {
    id, kind: "video", status, progress: 1, message: null, created_at: 1, updated_at: 2,
    result: status === "succeeded" ? { video_id: "v1" } : null,
    error: status === "failed" ? { error: "ModelFailed", detail: "The model failed." } : null,
  } as Job;
}

/** A watcher whose watches the test settles by hand. */
function manualWatcher() {
  const calls: { jobId: string; signal: AbortSignal; settle: (job: Job | null) => void }[] = [];
  const watcher = (jobId: string, _onUpdate: (job: Job) => void, signal: AbortSignal) =>
    new Promise<Job | null>((resolve) => {
      calls.push({ jobId, signal, settle: resolve });
      signal.addEventListener("abort", () => resolve(null));
    });
  return { calls, watcher };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("JobWatches", () => {
  it("follows one job once, however often it is asked", async () => {
    const { calls, watcher } = manualWatcher();
    const watches = new JobWatches(watcher);
    const done: unknown[] = [];
    for (let i = 0; i < 3; i += 1) watches.start(JOB, { onDone: (result) => done.push(result), onError: () => undefined });
    expect(calls).toHaveLength(1);
    calls[0]!.settle(finished(JOB));
    await flush();
    expect(done).toEqual([{ video_id: "v1" }]);
    expect(watches.has(JOB)).toBe(false);
  });

  it("an aborted watch that ends late does not drop the newer watch of the same job", async () => {
    const { calls, watcher } = manualWatcher();
    const watches = new JobWatches(watcher);
    const done: unknown[] = [];
    const handlers = { onDone: (result: unknown) => done.push(result), onError: () => undefined };
    watches.start(JOB, handlers);
    watches.stopAll();
    watches.start(JOB, handlers);
    await flush();
    watches.start(JOB, handlers);
    expect(calls).toHaveLength(2);
    calls[1]!.settle(finished(JOB));
    await flush();
    expect(done).toEqual([{ video_id: "v1" }]);
  });

  it("reports a failed job's sentence and nothing for an aborted one", async () => {
    const { calls, watcher } = manualWatcher();
    const watches = new JobWatches(watcher);
    const errors: string[] = [];
    const done: unknown[] = [];
    watches.start(JOB, { onDone: (result) => done.push(result), onError: (message) => errors.push(message) });
    calls[0]!.settle(finished(JOB, "failed"));
    await flush();
    watches.start("other", { onDone: (result) => done.push(result), onError: (message) => errors.push(message) });
    watches.stopAll();
    await flush();
    expect(errors).toEqual(["The model failed."]);
    expect(done).toEqual([]);
  });
});

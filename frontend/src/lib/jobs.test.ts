import { describe, expect, it } from "vitest";
import type { Job } from "./api/client";
import { JobStream } from "./jobStream";
import { watchJob } from "./jobs";

const ID = "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11";
const OTHER = "7a2b9c1d-0e3f-4a5b-8c6d-1e2f3a4b5c6d";

function job(id: string, status: Job["status"], updated: number, progress = 0): Job {
  return {
    id, kind: "video", status, progress, message: null, result: status === "succeeded" ? { video_id: id } : null,
    error: null, created_at: 1, updated_at: updated,
  } as Job;
}

/** An EventSource stand-in that records what was opened and lets a test deliver events. */
class FakeSource {
  static opened: FakeSource[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private handlers: ((event: { data: string }) => void)[] = [];
  constructor(readonly url: string) {
    FakeSource.opened.push(this);
  }
  addEventListener(_: string, handler: (event: { data: string }) => void) {
    this.handlers.push(handler);
  }
  close() {
    this.closed = true;
  }
  emit(value: Job) {
    this.handlers.forEach((handler) => handler({ data: JSON.stringify(value) }));
  }
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

function streamWithFakes() {
  FakeSource.opened = [];
  return new JobStream((url) => new FakeSource(url) as unknown as EventSource, 1);
}

describe("watchJob over the event stream", () => {
  it("follows many jobs on one stream and resolves each from its own events", async () => {
    const stream = streamWithFakes();
    const polls: string[] = [];
    const fetch = async (id: string) => {
      polls.push(id);
      return job(id, "running", 1);
    };
    const seen: number[] = [];
    const first = watchJob(ID, (j) => seen.push(j.progress), undefined, { stream, fetch, intervalMs: 10_000 });
    const second = watchJob(OTHER, () => undefined, undefined, { stream, fetch, intervalMs: 10_000 });
    await tick(10);
    const source = FakeSource.opened.at(-1)!;
    expect(source.url).toBe(`/api/jobs/events?ids=${[ID, OTHER].sort().join(",")}`);
    expect(FakeSource.opened.slice(0, -1).every((s) => s.closed)).toBe(true);
    source.onopen?.();
    source.emit(job(ID, "running", 2, 0.5));
    source.emit(job(ID, "running", 1.5, 0.25));
    source.emit(job(ID, "succeeded", 3, 1));
    source.emit(job(OTHER, "failed", 3));
    expect(await first).toMatchObject({ id: ID, status: "succeeded" });
    expect((await second)?.status).toBe("failed");
    expect(seen).toEqual([0, 0.5, 1]);
    expect(polls.sort()).toEqual([ID, OTHER].sort());
    await tick(10);
    expect(FakeSource.opened.at(-1)!.closed).toBe(true);
    // The API refuses a stream that names no job; none is ever opened, even once every job is done.
    expect(FakeSource.opened.every((s) => /[?&]ids=[0-9a-f-]{36}/.test(s.url))).toBe(true);
  });

  it("keeps polling when the stream is not delivering", async () => {
    const stream = streamWithFakes();
    let calls = 0;
    const fetch = async (id: string) => {
      calls += 1;
      return job(id, calls >= 3 ? "succeeded" : "running", calls);
    };
    const final = await watchJob(ID, () => undefined, undefined, { stream, fetch, intervalMs: 5 });
    expect(final?.status).toBe("succeeded");
    expect(calls).toBe(3);
  });

  it("ends with the error on a 404 and resolves null when aborted", async () => {
    const stream = streamWithFakes();
    const missing = async () => {
      throw Object.assign(new Error("gone"), { status: 404 });
    };
    await expect(watchJob(ID, () => undefined, undefined, { stream, fetch: missing })).rejects.toThrow("gone");
    const controller = new AbortController();
    const pending = watchJob(OTHER, () => undefined, controller.signal, { stream, fetch: async (id) => job(id, "running", 1) });
    controller.abort();
    expect(await pending).toBeNull();
  });

  it("reports a finished job once when the event stream and the poll both deliver it", async () => {
    const stream = streamWithFakes();
    let release: (() => void) | null = null;
    const fetch = (id: string) =>
      new Promise<Job>((resolve) => {
        release = () => resolve(job(id, "succeeded", 3, 1));
      });
    const updates: string[] = [];
    const pending = watchJob(ID, (j) => updates.push(j.status), undefined, { stream, fetch, intervalMs: 10_000 });
    await tick(10);
    const source = FakeSource.opened.at(-1)!;
    source.onopen?.();
    source.emit(job(ID, "succeeded", 3, 1));
    release!();
    expect((await pending)?.status).toBe("succeeded");
    await tick(10);
    source.emit(job(ID, "succeeded", 3, 1));
    expect(updates).toEqual(["succeeded"]);
  });
});

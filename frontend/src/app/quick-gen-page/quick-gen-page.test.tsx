// @vitest-environment jsdom
/**
 * The quick-gen page in React's development build under StrictMode, against a fake API whose jobs are
 * reported by both the event stream and the poll: every result is applied once, one change starts one
 * stitch, and React logs no error (duplicate keys included).
 */
import { StrictMode } from "react";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

type Json = Record<string, unknown>;
type JobState = { id: string; kind: string; status: string; progress: number; result: Json | null; error: null; created_at: number; updated_at: number };

/** A job runs for its first reports (with progress), then has succeeded; stream and poll both report it. */
const jobs = new Map<string, { reports: number; result: Json; kind: string }>();
const REPORTS_WHILE_RUNNING = 3;

function report(id: string): JobState | null {
  const job = jobs.get(id);
  if (!job) return null;
  job.reports += 1;
  const done = job.reports > REPORTS_WHILE_RUNNING;
  return {
    id, kind: job.kind, status: done ? "succeeded" : "running", progress: done ? 1 : job.reports / (REPORTS_WHILE_RUNNING + 1),
    result: done ? job.result : null, error: null, created_at: 1, updated_at: job.reports,
  };
}
const posts: { path: string; body: Json }[] = [];
let counter = 0;

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const video = (id: string) => ({ video_id: id, video_url: `/api/mv/get_video/${id}`, poster_url: `/api/mv/get_poster/${id}`, metadata: { provider: "local" } });

function finishedJob(kind: string, result: Json): string {
  counter += 1;
  const id = uuid(1000 + counter);
  jobs.set(id, { reports: 0, result, kind });
  return id;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** The part of Encore's API the page uses. */
async function fakeApi(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = input instanceof Request ? input : new Request(String(input), init);
  const { pathname } = new URL(request.url);
  if (request.method === "GET" && pathname === "/api/mv/get_config_flavors") return json({ flavors: ["default"] });
  if (request.method === "GET" && pathname.startsWith("/api/jobs/")) {
    const job = report(pathname.split("/").at(-1)!);
    return job ? json(job) : json({ error: "NotFound", detail: "No such job." }, 404);
  }
  if (request.method !== "POST") return json({ error: "NotFound", detail: "No such route." }, 404);
  const body = (await request.json()) as Json;
  posts.push({ path: pathname, body });
  const accepted = (jobId: string) => json({ job_id: jobId, status: "running", status_url: `/api/jobs/${jobId}` }, 202);
  if (pathname === "/api/mv/create_scenes")
    return accepted(finishedJob("scenes", { scenes: [1, 2, 3].map((n) => ({ description: `Scene ${n} text.`, negative_description: "" })) }));
  if (pathname === "/api/mv/generate_video") return accepted(finishedJob("video", video(uuid(counter + 1))));
  if (pathname === "/api/mv/stitch_video") return accepted(finishedJob("stitch", video(uuid(counter + 1))));
  return json({ error: "NotFound", detail: "No such route." }, 404);
}

/** An event stream that, like the API's, starts with the state of every job it follows, then reports each often. */
class FakeEventSource {
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly timer: ReturnType<typeof setInterval>;
  private listeners: ((event: { data: string }) => void)[] = [];
  constructor(readonly url: string) {
    const ids = new URL(url, "http://localhost").searchParams.get("ids")?.split(",") ?? [];
    let opened = false;
    this.timer = setInterval(() => {
      if (!opened) this.onopen?.();
      opened = true;
      for (const id of ids) {
        const job = report(id);
        if (job) this.listeners.forEach((listener) => listener({ data: JSON.stringify(job) }));
      }
    }, 20);
  }
  addEventListener(_type: string, listener: (event: { data: string }) => void) {
    this.listeners.push(listener);
  }
  close() {
    clearInterval(this.timer);
  }
}

class SameOriginRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === "string" && input.startsWith("/") ? `http://localhost${input}` : input, init);
  }
}

const errors: string[] = [];

beforeAll(() => {
  vi.stubGlobal("fetch", vi.fn(fakeApi));
  vi.stubGlobal("Request", SameOriginRequest);
  vi.stubGlobal("EventSource", FakeEventSource);
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    const text = args.map(String).join(" ");
    if (!text.includes("not wrapped in act")) errors.push(text);
  });
  window.sessionStorage.setItem(
    "quickJobData",
    JSON.stringify({ videoDescription: "A stadium at dusk", characterDescription: "A singer", audioId: uuid(1), audioDuration: 20, configFlavor: "default", generationMode: "draft" }),
  );
});

afterAll(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("quick-gen page in StrictMode", () => {
  it("applies each job once, stitches once per change, and logs no React error", { timeout: 60_000 }, async () => {
    const { render, screen, waitFor, fireEvent, within } = await import("@testing-library/react");
    const { QuickGenPage } = await import("./quick-gen-page");
    render(
      <StrictMode>
        <QuickGenPage />
      </StrictMode>,
    );
    const stitches = () => posts.filter((post) => post.path === "/api/mv/stitch_video");
    await waitFor(() => expect(screen.getByTestId("final-video")).toBeTruthy(), { timeout: 20_000 });
    const cards = screen.getAllByTestId("scene-card");
    expect(cards).toHaveLength(3);
    expect(posts.filter((post) => post.path === "/api/mv/create_scenes")).toHaveLength(1);
    expect(posts.filter((post) => post.path === "/api/mv/generate_video")).toHaveLength(3);
    expect(stitches()).toHaveLength(1);
    expect(screen.queryAllByTestId("clip-history")).toHaveLength(0);
    expect(screen.getAllByTestId("scene-window").map((node) => node.textContent)).toEqual(["0–8 s", "8–16 s", "16–20 s"]);
    const player = within(cards[0]!).getByTestId("clip-player") as HTMLVideoElement;
    expect(player.getAttribute("poster")).toMatch(/^\/api\/mv\/get_poster\//);
    expect(player.muted).toBe(false);
    const firstFinal = screen.getByTestId("final-video").getAttribute("data-video-id");

    fireEvent.click(within(cards[0]!).getByTestId("clip-regenerate"));
    await waitFor(
      () => expect(screen.getByTestId("final-video").getAttribute("data-video-id")).not.toBe(firstFinal),
      { timeout: 20_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stitches()).toHaveLength(2);
    const versions = within(screen.getAllByTestId("scene-card")[0]!).getAllByTestId("clip-version").map((node) => node.getAttribute("data-video-id"));
    expect(versions).toHaveLength(2);
    expect(new Set(versions).size).toBe(2);
    expect(screen.getByTestId("final-summary").textContent).toBe("3 clips with the song");
    expect(errors).toEqual([]);
  });
});

import type { Job } from "./api/client";

type Listener = (job: Job) => void;
type SourceFactory = (url: string) => EventSource;

/**
 * One server-sent event stream for every job a page follows. The stream is reopened (debounced) when
 * the set of jobs changes; the backend starts each stream with the current state of every job, so a
 * reopen loses nothing.
 */
export class JobStream {
  private readonly listeners = new Map<string, Set<Listener>>();
  private source: EventSource | null = null;
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private open = false;

  constructor(
    private readonly makeSource: SourceFactory | null,
    private readonly debounceMs = 50,
  ) {}

  /** Whether updates are arriving over the stream right now (else callers poll faster). */
  get healthy(): boolean {
    return this.open;
  }

  /** Call `listener` with every update of `jobId`; returns the function that stops it. */
  follow(jobId: string, listener: Listener): () => void {
    const set = this.listeners.get(jobId) ?? new Set<Listener>();
    const added = set.size === 0;
    set.add(listener);
    this.listeners.set(jobId, set);
    if (added) this.scheduleReopen();
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(jobId) === set) {
        this.listeners.delete(jobId);
        this.scheduleReopen();
      }
    };
  }

  private scheduleReopen(): void {
    if (!this.makeSource) return;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => this.reopen(), this.debounceMs);
  }

  private reopen(): void {
    this.reopenTimer = null;
    this.source?.close();
    this.source = null;
    this.open = false;
    const ids = [...this.listeners.keys()].sort();
    if (ids.length === 0 || !this.makeSource) return;
    const source = this.makeSource(`/api/jobs/events?ids=${ids.join(",")}`);
    source.onopen = () => {
      this.open = true;
    };
    source.onerror = () => {
      this.open = false;
    };
    source.addEventListener("job", (event) => {
      const job = JSON.parse((event as MessageEvent<string>).data) as Job;
      this.listeners.get(job.id)?.forEach((listener) => listener(job));
    });
    this.source = source;
  }
}

/** The page-wide stream (none during server rendering or where EventSource is missing). */
export const jobStream = new JobStream(typeof EventSource === "undefined" ? null : (url) => new EventSource(url));

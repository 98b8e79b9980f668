/** "m:ss" for a duration in seconds; "—" when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  const total = Math.round(seconds);
  const minutes = Math.floor(total / 60);
  return `${minutes}:${String(total % 60).padStart(2, "0")}`;
}

/** Clamp the "start at" input to an integer in [0, max]; null when not a number. */
export function parseStartAt(raw: string, maxSeconds: number | null | undefined): number | null {
  if (raw.trim() === "") return null;
  const value = Number(raw);
  if (!Number.isFinite(value) || !Number.isInteger(value)) return null;
  if (value < 0) return null;
  if (maxSeconds !== null && maxSeconds !== undefined && value > Math.floor(maxSeconds)) return null;
  return value;
}

/** True when an asset's metadata marks it as an offline draft. */
export function isDraft(metadata: unknown): boolean {
  if (!metadata || typeof metadata !== "object") return false;
  const record = metadata as Record<string, unknown>;
  return record.draft === true || record.provider === "local";
}

/** Media URL for the browser: API-relative or presigned URLs as given, else the id route. */
export function mediaUrl(url: string | null | undefined, fallback: string): string {
  if (url && (url.startsWith("/api/") || url.startsWith("https://") || url.startsWith("http://"))) return url;
  return fallback;
}

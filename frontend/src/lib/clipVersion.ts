import { isDraft, mediaUrl } from "./format";
import type { ClipVersion } from "./genState";

/** What every video result (generate_video, lipsync, stitch_video) carries. */
export interface VideoResult {
  video_id: string;
  video_url?: string | null;
  poster_url?: string | null;
  metadata?: unknown;
}

/** The still frame of a video result, when the server made one. */
export function posterUrl(result: VideoResult): string | null {
  const url = result.poster_url;
  if (typeof url !== "string" || url === "") return null;
  return mediaUrl(url, `/api/mv/get_poster/${result.video_id}`);
}

/** A clip version from a video result. */
export function clipVersion(result: VideoResult, kind: ClipVersion["kind"]): ClipVersion {
  return {
    videoId: result.video_id,
    videoUrl: mediaUrl(result.video_url, `/api/mv/get_video/${result.video_id}`),
    kind,
    draft: isDraft(result.metadata),
    posterUrl: posterUrl(result),
  };
}

/** A new random id for scenes and idempotency keys. */
export function newId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

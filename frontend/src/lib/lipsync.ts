/** Seconds of song each scene's clip covers. */
export const CLIP_SECONDS = 8;

/** The song window a scene's clip covers: start = index × 8, end = start + 8. */
export function lipsyncWindow(sceneIndex: number, clipSeconds = CLIP_SECONDS): { start_time: number; end_time: number } {
  if (!Number.isInteger(sceneIndex) || sceneIndex < 0) throw new RangeError("scene index must be a non-negative integer");
  const start_time = sceneIndex * clipSeconds;
  return { start_time, end_time: start_time + clipSeconds };
}

/**
 * The part of the song a scene's clip really plays over: its 8 s window, cut at the song's end
 * (the final video ends with the song). Unknown length keeps the whole window.
 */
export function sceneWindow(
  sceneIndex: number,
  durationSeconds: number | null | undefined,
  clipSeconds = CLIP_SECONDS,
): { start_time: number; end_time: number } {
  const window = lipsyncWindow(sceneIndex, clipSeconds);
  if (durationSeconds === null || durationSeconds === undefined || !Number.isFinite(durationSeconds) || durationSeconds <= window.start_time)
    return window;
  return { start_time: window.start_time, end_time: Math.min(window.end_time, roundSeconds(durationSeconds)) };
}

function roundSeconds(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}

/** Most scenes the backend plans in one request. */
export const MAX_SCENES = 24;

/** One scene per 8 s of the track (at least 1, at most 24); undefined without a known length. */
export function scenesForTrack(durationSeconds: number | null | undefined, clipSeconds = CLIP_SECONDS): number | undefined {
  if (durationSeconds === null || durationSeconds === undefined || !Number.isFinite(durationSeconds) || durationSeconds <= 0) return undefined;
  return Math.min(MAX_SCENES, Math.max(1, Math.ceil(durationSeconds / clipSeconds)));
}

/** True when a scene's window starts inside the track (unknown length counts as inside). */
export function windowInsideTrack(sceneIndex: number, durationSeconds: number | null | undefined): boolean {
  if (durationSeconds === null || durationSeconds === undefined) return true;
  return lipsyncWindow(sceneIndex).start_time < durationSeconds;
}

/** A scene's window: the plan's own (cut to the music or on the grid, from the server) when it has one, else the 8 s grid. */
export function planWindow(
  planned: { start_time: number; end_time: number } | null | undefined,
  sceneIndex: number,
  durationSeconds: number | null | undefined,
): { start_time: number; end_time: number } {
  if (planned && Number.isFinite(planned.start_time) && planned.end_time > planned.start_time)
    return { start_time: planned.start_time, end_time: planned.end_time };
  return sceneWindow(sceneIndex, durationSeconds);
}

/** True when a planned window starts inside the track (unknown length counts as inside). */
export function planInsideTrack(
  planned: { start_time: number; end_time: number } | null | undefined,
  sceneIndex: number,
  durationSeconds: number | null | undefined,
): boolean {
  if (!planned) return windowInsideTrack(sceneIndex, durationSeconds);
  return durationSeconds === null || durationSeconds === undefined || planned.start_time < durationSeconds;
}

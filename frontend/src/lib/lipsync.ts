/** Seconds of song each scene's clip covers. */
export const CLIP_SECONDS = 8;

/** The song window a scene's clip covers: start = index × 8, end = start + 8. */
export function lipsyncWindow(sceneIndex: number, clipSeconds = CLIP_SECONDS): { start_time: number; end_time: number } {
  if (!Number.isInteger(sceneIndex) || sceneIndex < 0) throw new RangeError("scene index must be a non-negative integer");
  const start_time = sceneIndex * clipSeconds;
  return { start_time, end_time: start_time + clipSeconds };
}

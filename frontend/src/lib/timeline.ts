/** Geometry of the song timeline: every position is a percentage of the song's length, so the drawing scales with its box. */

import { CLIP_SECONDS } from "@/lib/lipsync";

export interface Span {
  start: number;
  end: number;
}

export interface SectionBand {
  left: number;
  width: number;
  label: string;
  name: string;
  tone: number;
  start: number;
  end: number;
}

export interface SceneBlock {
  index: number;
  left: number;
  width: number;
  start: number;
  end: number;
}

export interface Tick {
  left: number;
  strong: boolean;
}

/** Seconds as a percentage of the song, clamped to 0–100 (0 without a usable length). */
export function percentOf(seconds: number, duration: number): number {
  if (!Number.isFinite(duration) || duration <= 0 || !Number.isFinite(seconds)) return 0;
  return Math.min(100, Math.max(0, (seconds / duration) * 100));
}

function spanBox(start: number, end: number, duration: number): { left: number; width: number } {
  const left = percentOf(start, duration);
  return { left, width: Math.max(0, percentOf(end, duration) - left) };
}

/** Beat ticks; a beat that is also a downbeat (a bar start) is strong. */
export function beatTicks(beats: number[], downbeats: number[], duration: number): Tick[] {
  const bars = new Set(downbeats.map((d) => Math.round(d * 1000)));
  return beats
    .filter((b) => b >= 0 && b <= duration)
    .map((b) => ({ left: percentOf(b, duration), strong: bars.has(Math.round(b * 1000)) }));
}

/** How a section label reads: intro and outro by name, letters as "Section A". */
export function sectionName(label: string): string {
  if (label === "intro" || label === "outro") return label.charAt(0).toUpperCase() + label.slice(1);
  return `Section ${label}`;
}

/** One band per section; sections that share a label share a tone (0–5). */
export function sectionBands(sections: Array<Span & { label: string }>, duration: number): SectionBand[] {
  const tones = new Map<string, number>();
  return sections
    .filter((s) => s.end > s.start && s.start < duration)
    .map((s) => {
      if (!tones.has(s.label)) tones.set(s.label, tones.size % 6);
      const end = Math.min(s.end, duration);
      return { ...spanBox(s.start, end, duration), label: s.label, name: sectionName(s.label), tone: tones.get(s.label) ?? 0, start: s.start, end };
    });
}

/** A scene's window: its own `start_time`/`end_time` when the plan has them, else the index × 8 s grid; cut at the song's end. */
export function sceneSpan(
  scene: { start_time?: number | null; end_time?: number | null },
  index: number,
  duration: number,
  sceneSeconds = CLIP_SECONDS,
): Span {
  const start = typeof scene.start_time === "number" ? scene.start_time : index * sceneSeconds;
  const end = typeof scene.end_time === "number" ? scene.end_time : start + sceneSeconds;
  return { start, end: duration > 0 ? Math.min(end, duration) : end };
}

/** One block per scene that starts inside the song. */
export function sceneBlocks(
  scenes: Array<{ start_time?: number | null; end_time?: number | null }>,
  duration: number,
  sceneSeconds = CLIP_SECONDS,
): SceneBlock[] {
  return scenes
    .map((scene, index) => ({ index, ...sceneSpan(scene, index, duration, sceneSeconds) }))
    .filter((s) => s.start < duration && s.end > s.start)
    .map((s) => ({ ...s, ...spanBox(s.start, s.end, duration) }));
}

/** Lyric lines placed on the song. */
export function lyricSpans(lines: Array<Span & { text: string }>, duration: number): Array<{ left: number; width: number; text: string; start: number }> {
  return lines
    .filter((l) => l.end > l.start && l.start < duration && l.text.trim() !== "")
    .map((l) => ({ ...spanBox(l.start, Math.min(l.end, duration), duration), text: l.text, start: l.start }));
}

/** An SVG path of the waveform: one mirrored bar per peak in a `width` × `height` box (peaks 0–1). */
export function waveformPath(peaks: number[], width: number, height: number): string {
  if (peaks.length === 0 || width <= 0 || height <= 0) return "";
  const step = width / peaks.length;
  const middle = height / 2;
  return peaks
    .map((peak, i) => {
      const half = Math.max(0.5, Math.min(1, Math.max(0, peak)) * middle);
      const x = +(i * step).toFixed(2);
      return `M${x} ${+(middle - half).toFixed(2)}V${+(middle + half).toFixed(2)}`;
    })
    .join("");
}

/** "1:05" for 65 seconds. */
export function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** The window fields of a scene's music context when the plan gave it one (plans from before music timing did not). */
export function windowFields(scene: object): { start_time?: number; end_time?: number } {
  const record = scene as Record<string, unknown>;
  return {
    start_time: typeof record.start_time === "number" ? record.start_time : undefined,
    end_time: typeof record.end_time === "number" ? record.end_time : undefined,
  };
}

/** Scroll a scene's card into view and move the focus there. */
export function goToSceneCard(sceneId: string | undefined): void {
  if (!sceneId || typeof document === "undefined") return;
  const card = document.querySelector<HTMLElement>(`[data-scene-id="${CSS.escape(sceneId)}"]`);
  if (!card) return;
  card.scrollIntoView({ behavior: "smooth", block: "start" });
  if (!card.hasAttribute("tabindex")) card.setAttribute("tabindex", "-1");
  card.focus({ preventScroll: true });
}

import { parseAspectRatio, type AspectRatio } from "./estimate";
import type { GenerationMode } from "./quickJob";

export interface TrackState {
  audioId: string;
  audioUrl: string;
  title: string;
  duration: number | null;
  /** Seconds cut from the start of the original upload/import (sum of trims). */
  startOffset: number;
}

export interface CharacterImage {
  id: string;
  url: string;
}

/** Everything the create page keeps across a reload (sessionStorage key `createPageState`). */
export interface CreateState {
  mode: GenerationMode;
  configFlavor: string;
  aspectRatio: AspectRatio;
  videoDescription: string;
  characterDescription: string;
  characterImages: CharacterImage[];
  selectedCharacterId: string | null;
  characterJobId: string | null;
  audioSource: "upload" | "youtube";
  youtubeUrl: string;
  audioJobId: string | null;
  track: TrackState | null;
  /** Name of the file the track was uploaded from (null for imports). */
  audioFileName: string | null;
  startAt: string;
}

export const CREATE_STATE_KEY = "createPageState";

export const initialCreateState: CreateState = {
  mode: "draft",
  configFlavor: "default",
  aspectRatio: "16:9",
  videoDescription: "",
  characterDescription: "",
  characterImages: [],
  selectedCharacterId: null,
  characterJobId: null,
  audioSource: "upload",
  youtubeUrl: "",
  audioJobId: null,
  track: null,
  audioFileName: null,
  startAt: "0",
};

export function parseCreateState(raw: string | null): CreateState {
  if (!raw) return initialCreateState;
  try {
    const value = JSON.parse(raw) as Partial<CreateState>;
    if (!value || typeof value !== "object") return initialCreateState;
    return { ...initialCreateState, ...value, aspectRatio: parseAspectRatio(value.aspectRatio) };
  } catch {
    return initialCreateState;
  }
}

/** The track after a trim: new id, url and duration; the title notes where it now starts. */
export function trimmedTrack(
  track: TrackState,
  result: { audio_id: string; audio_url: string; start_at: number; duration?: number | null },
): TrackState {
  const startOffset = track.startOffset + result.start_at;
  const baseTitle = track.title.replace(/ \(from \d+:\d{2}\)$/, "");
  const minutes = Math.floor(startOffset / 60);
  const seconds = String(Math.floor(startOffset % 60)).padStart(2, "0");
  return {
    audioId: result.audio_id,
    audioUrl: result.audio_url,
    title: startOffset > 0 ? `${baseTitle} (from ${minutes}:${seconds})` : baseTitle,
    duration: result.duration ?? (track.duration !== null ? Math.max(0, track.duration - result.start_at) : null),
    startOffset,
  };
}

const YOUTUBE = /^https?:\/\/(www\.|m\.|music\.)?(youtube\.com\/(watch\?|shorts\/|embed\/)|youtu\.be\/)\S+$/i;

/** Inline message for the URL field, or null when it looks importable. */
export function youtubeUrlProblem(url: string): string | null {
  const value = url.trim();
  if (!value) return "Paste a YouTube link.";
  if (!/^https?:\/\//i.test(value)) return "The link must start with https://";
  if (!YOUTUBE.test(value)) return "That does not look like a YouTube video link.";
  return null;
}

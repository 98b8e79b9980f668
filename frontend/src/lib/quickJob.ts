import { parseAspectRatio, type AspectRatio } from "./estimate";

export type GenerationMode = "draft" | "full";
export type Provider = "local" | "replicate";

/** What the create page hands to the quick-gen page (sessionStorage key `quickJobData`). */
export interface QuickJobData {
  /** The project the server keeps this job in, when it could create one. */
  projectId?: string;
  videoDescription: string;
  characterDescription: string;
  characterReferenceImageId?: string;
  audioId?: string;
  audioUrl?: string;
  audioTitle?: string;
  audioDuration?: number;
  configFlavor: string;
  generationMode: GenerationMode;
  /** 16:9 when absent (a Quick Job saved before ratios existed). */
  aspectRatio?: AspectRatio;
  audioStartAt?: number;
}

export const QUICK_JOB_KEY = "quickJobData";

export function providerFor(mode: GenerationMode): Provider {
  return mode === "full" ? "replicate" : "local";
}

export interface QuickJobInput {
  videoDescription: string;
  characterDescription: string;
  characterReferenceImageId?: string | null;
  audioBusy?: boolean;
  characterBusy?: boolean;
}

export type QuickJobErrors = Partial<Record<"videoDescription" | "characterDescription" | "audio" | "character", string>>;

/** Inline messages for everything Quick Job needs; empty when it can go. */
export function validateQuickJob(input: QuickJobInput): QuickJobErrors {
  const errors: QuickJobErrors = {};
  if (!input.videoDescription.trim()) errors.videoDescription = "Describe the video you want.";
  if (!input.characterDescription.trim())
    errors.characterDescription = "Describe the character (it guides every scene).";
  if (input.audioBusy) errors.audio = "Wait for the audio to finish loading.";
  if (input.characterBusy) errors.character = "Wait for the character images to finish.";
  return errors;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Read `quickJobData` defensively: unknown or missing fields fall back to safe defaults. */
export function parseQuickJobData(raw: string | null): QuickJobData | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const record = value as Record<string, unknown>;
  const videoDescription = str(record.videoDescription);
  if (!videoDescription) return null;
  return {
    projectId: str(record.projectId),
    videoDescription,
    characterDescription: str(record.characterDescription) ?? "",
    characterReferenceImageId: str(record.characterReferenceImageId),
    audioId: str(record.audioId),
    audioUrl: str(record.audioUrl),
    audioTitle: str(record.audioTitle),
    audioDuration: num(record.audioDuration),
    configFlavor: str(record.configFlavor) ?? "default",
    generationMode: record.generationMode === "full" ? "full" : "draft",
    aspectRatio: parseAspectRatio(record.aspectRatio),
    audioStartAt: num(record.audioStartAt),
  };
}

/** The flavor to use: the wanted one when the server lists it, else `default`. */
export function resolveFlavor(wanted: string | undefined, available: readonly string[]): string {
  if (wanted && available.includes(wanted)) return wanted;
  return "default";
}

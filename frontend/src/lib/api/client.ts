import createClient from "openapi-fetch";
import type { paths } from "./schema";

type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: { 200: infer R } }
  ? Json<R>
  : never;
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

export type Health = Ok<"/healthz", "get">;
export type Flavors = Ok<"/api/mv/get_config_flavors", "get">;
export type AudioAsset = Ok<"/api/audio/upload", "post">;
export type AudioTrimResult = Ok<"/api/audio/trim", "post">;
export type Job = Ok<"/api/jobs/{job_id}", "get">;
export type CreateScenesBody = Body<"/api/mv/create_scenes", "post">;
export type CreateScenesResult = Ok<"/api/mv/create_scenes", "post">;
export type CharacterBody = Body<"/api/mv/generate_character_reference", "post">;
export type CharacterResult = Ok<"/api/mv/generate_character_reference", "post">;
export type GenerateVideoBody = Body<"/api/mv/generate_video", "post">;
export type GenerateVideoResult = Ok<"/api/mv/generate_video", "post">;
export type LipsyncBody = Body<"/api/mv/lipsync", "post">;
export type LipsyncResult = Ok<"/api/mv/lipsync", "post">;
export type StitchBody = Body<"/api/mv/stitch_video", "post">;
export type StitchResult = Ok<"/api/mv/stitch_video", "post">;
export type AudioDownloadBody = Body<"/api/audio/download", "post">;
export type SongAnalysis = Ok<"/api/audio/analysis/{audio_id}", "get">;
export type AudioInfo = Ok<"/api/audio/info/{audio_id}", "get">;

/** The browser talks to the same origin only; the Next server proxies /api and /healthz. */
export const api = createClient<paths>({ baseUrl: typeof window === "undefined" ? "http://localhost" : "" });

/** An API failure carrying the backend's machine name and human sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = "ApiError";
  }
}

/** Turn any thrown value or error body into a sentence a user can read. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.detail || `${error.code} (HTTP ${error.status})`;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

export function toApiError(status: number, body: unknown): ApiError {
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    if (typeof record.error === "string") {
      return new ApiError(status, record.error, typeof record.detail === "string" ? record.detail : record.error);
    }
    if (Array.isArray(record.detail)) {
      return new ApiError(status, "ValidationError", "The request was not valid.");
    }
    if (typeof record.detail === "string") return new ApiError(status, "Error", record.detail);
  }
  return new ApiError(status, "HttpError", `The server answered with HTTP ${status}.`);
}

/** Result of a long operation: either finished now, or a job to follow. */
export type Started<T> = { kind: "done"; result: T } | { kind: "job"; jobId: string };

type FetchOutcome = { data?: unknown; error?: unknown; response: Response };

/** Interpret a long-operation response (200 result or 202 job) or throw an ApiError. */
export function started<T>(outcome: FetchOutcome): Started<T> {
  const { response, data, error } = outcome;
  if (response.status === 202) {
    const accepted = data as { job_id?: unknown } | undefined;
    if (typeof accepted?.job_id === "string") return { kind: "job", jobId: accepted.job_id };
    throw new ApiError(502, "BadAccepted", "The server accepted the request but did not name a job.");
  }
  if (response.ok && data !== undefined) return { kind: "done", result: data as T };
  throw toApiError(response.status, error);
}

/** Unwrap a plain (non-job) response or throw an ApiError. */
export function unwrap<T>(outcome: { data?: T; error?: unknown; response: Response }): T {
  if (outcome.response.ok && outcome.data !== undefined) return outcome.data;
  throw toApiError(outcome.response.status, outcome.error);
}

/** Query used by the page: return a job id at once so a reload can resume it. */
export const START_NOW = { params: { query: { wait: 0 } } } as const;

export async function uploadFile(path: "/api/audio/upload" | "/api/mv/upload_character_reference", file: File) {
  const form = new FormData();
  form.append("file", file);
  const response = await fetch(path, { method: "POST", body: form });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw toApiError(response.status, body);
  return body;
}

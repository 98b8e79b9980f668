"use client";

import { useCallback, useEffect, useRef, type Dispatch } from "react";
import {
  api,
  describeError,
  START_NOW,
  started,
  type GenerateVideoResult,
  type LipsyncResult,
} from "@/lib/api/client";
import { clipVersion, newId } from "@/lib/clipVersion";
import type { GenAction, GenState, SceneState } from "@/lib/genState";
import type { JobWatches } from "@/lib/jobWatches";
import { lipsyncWindow, planInsideTrack, planWindow } from "@/lib/lipsync";
import { providerFor, type QuickJobData } from "@/lib/quickJob";

export type ClipOperation = "generate" | "lipsync";

interface ClipsInput {
  ready: boolean;
  jobData: QuickJobData | null;
  state: GenState;
  dispatch: Dispatch<GenAction>;
  watches: JobWatches;
}

const versionKind = (operation: ClipOperation | null) => (operation === "lipsync" ? "lipsync" : "generated");

/** Start, resume and follow every scene's clip; returns the action that (re)makes one. */
export function useClips({ ready, jobData, state, dispatch, watches }: ClipsInput) {
  const starting = useRef(new Set<string>());
  const startClip = useCallback(
    async (scene: SceneState, index: number, operation: ClipOperation, requestKey: string = newId()) => {
      if (!jobData || starting.current.has(scene.id)) return;
      starting.current.add(scene.id);
      dispatch({ type: "clipStarted", sceneId: scene.id, operation, jobId: null, requestKey });
      const headers = { "Idempotency-Key": requestKey };
      const provider = providerFor(jobData.generationMode);
      try {
        let outcome;
        if (operation === "lipsync") {
          const current = scene.clip.history.at(-1);
          if (!current || !jobData.audioId) throw new Error("Lipsync needs a clip and an audio track.");
          outcome = started<LipsyncResult>(
            await api.POST("/api/mv/lipsync", {
              body: {
                video_id: current.videoId,
                audio_id: jobData.audioId,
                ...planWindow(scene.music, index, jobData.audioDuration),
                config_flavor: jobData.configFlavor,
                provider,
              },
              ...START_NOW,
              headers,
            }),
          );
        } else {
          const withSong = jobData.audioId && planInsideTrack(scene.music, index, jobData.audioDuration);
          const window = scene.music ? planWindow(scene.music, index, jobData.audioDuration) : lipsyncWindow(index);
          outcome = started<GenerateVideoResult>(
            await api.POST("/api/mv/generate_video", {
              body: {
                prompt: scene.description,
                negative_prompt: scene.negativeDescription || undefined,
                character_reference_id: jobData.characterReferenceImageId,
                ...(withSong ? { audio_id: jobData.audioId, ...window } : {}),
                config_flavor: jobData.configFlavor,
                provider,
                aspect_ratio: jobData.aspectRatio ?? "16:9",
              },
              ...START_NOW,
              headers,
            }),
          );
        }
        if (outcome.kind === "job") dispatch({ type: "clipJobAssigned", sceneId: scene.id, jobId: outcome.jobId });
        else dispatch({ type: "clipSucceeded", sceneId: scene.id, version: clipVersion(outcome.result, versionKind(operation)) });
      } catch (error) {
        dispatch({ type: "clipFailed", sceneId: scene.id, error: describeError(error) });
      } finally {
        starting.current.delete(scene.id);
      }
    },
    [jobData, dispatch],
  );

  // First clip of every scene starts as soon as the scenes exist (in parallel).
  useEffect(() => {
    if (!ready || state.scenesStatus !== "succeeded") return;
    state.scenes.forEach((scene, index) => {
      if (scene.clip.status === "idle" && scene.clip.history.length === 0) void startClip(scene, index, "generate");
    });
  }, [ready, state.scenesStatus, state.scenes, startClip]);

  // A reload while a clip request was in flight: send it again with its key to find its job.
  useEffect(() => {
    if (!ready) return;
    state.scenes.forEach((scene, index) => {
      const { status, jobId, requestKey, operation } = scene.clip;
      if (status === "running" && !jobId && requestKey && operation) void startClip(scene, index, operation, requestKey);
    });
  }, [ready, state.scenes, startClip]);

  // Follow every running clip job (also after a reload); each result names its job, so a late or repeated one is ignored.
  useEffect(() => {
    if (!ready) return;
    for (const scene of state.scenes) {
      const { jobId, status, operation } = scene.clip;
      if (status !== "running" || !jobId) continue;
      const sceneId = scene.id;
      watches.start(jobId, {
        onProgress: (job) => dispatch({ type: "clipProgress", sceneId, progress: job.progress ?? 0, message: job.message ?? null }),
        onDone: (result) =>
          dispatch({ type: "clipSucceeded", sceneId, jobId, version: clipVersion(result as GenerateVideoResult, versionKind(operation)) }),
        onError: (error) => dispatch({ type: "clipFailed", sceneId, jobId, error }),
      });
    }
  }, [ready, state.scenes, watches, dispatch]);

  return startClip;
}

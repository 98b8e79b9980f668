"use client";

import { useEffect, useState } from "react";
import { api, describeError, START_NOW, started, uploadFile, type AudioAsset } from "@/lib/api/client";
import { youtubeUrlProblem, type CreateState, type TrackState } from "@/lib/createState";
import { jobResult, watchJob } from "@/lib/jobs";
import type { CreateUpdate } from "./use-create-session";

const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

function trackFromAsset(asset: AudioAsset): TrackState {
  return {
    audioId: asset.audio_id,
    audioUrl: asset.audio_url || `/api/audio/get/${asset.audio_id}`,
    title: asset.title || "Untitled track",
    duration: typeof asset.duration === "number" ? asset.duration : null,
    startOffset: 0,
  };
}

/** The song: a file upload or a YouTube import (a job followed across reloads). */
export function useSong(ready: boolean, state: CreateState, update: CreateUpdate) {
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [uploadingName, setUploadingName] = useState<string | null>(null);
  const [urlProblem, setUrlProblem] = useState<string | null>(null);

  const audioJobId = state.audioJobId;
  useEffect(() => {
    if (!ready || !audioJobId) return;
    const controller = new AbortController();
    setProgress(0);
    watchJob(audioJobId, (job) => setProgress(job.progress ?? 0), controller.signal)
      .then((job) => {
        if (!job) return;
        update({ track: trackFromAsset(jobResult<AudioAsset>(job)), audioFileName: null, audioJobId: null, startAt: "0" });
        setError(null);
      })
      .catch((failure: unknown) => {
        if (controller.signal.aborted) return;
        update({ audioJobId: null });
        setError(describeError(failure));
      })
      .finally(() => {
        if (!controller.signal.aborted) setProgress(null);
      });
    return () => controller.abort();
  }, [ready, audioJobId, update]);

  async function importFromYoutube() {
    const problem = youtubeUrlProblem(state.youtubeUrl);
    setUrlProblem(problem);
    if (problem) return;
    setError(null);
    setProgress(0);
    try {
      const outcome = started<AudioAsset>(
        await api.POST("/api/audio/download", { body: { url: state.youtubeUrl.trim() }, ...START_NOW }),
      );
      if (outcome.kind === "job") update({ audioJobId: outcome.jobId });
      else {
        update({ track: trackFromAsset(outcome.result), audioFileName: null, startAt: "0" });
        setProgress(null);
      }
    } catch (failure) {
      setError(describeError(failure));
      setProgress(null);
    }
  }

  async function upload(file: File | undefined) {
    if (!file) return;
    setError(null);
    if (file.size > MAX_UPLOAD_BYTES) {
      setError("That file is larger than 50 MB.");
      return;
    }
    setUploadingName(file.name);
    try {
      const asset = (await uploadFile("/api/audio/upload", file)) as AudioAsset;
      update({ track: trackFromAsset(asset), audioFileName: file.name, startAt: "0" });
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setUploadingName(null);
    }
  }

  return {
    error,
    progress,
    uploading: uploadingName !== null,
    uploadingName,
    urlProblem,
    clearUrlProblem: () => setUrlProblem(null),
    importFromYoutube,
    upload,
  };
}

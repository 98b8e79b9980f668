"use client";

import { useEffect, useRef, type Dispatch } from "react";
import { api, describeError, START_NOW, started, type StitchResult } from "@/lib/api/client";
import { clipVersion, newId } from "@/lib/clipVersion";
import { currentVideoIds, type GenAction, type GenState } from "@/lib/genState";
import type { JobWatches } from "@/lib/jobWatches";
import type { QuickJobData } from "@/lib/quickJob";

interface StitchInput {
  ready: boolean;
  jobData: QuickJobData | null;
  state: GenState;
  dispatch: Dispatch<GenAction>;
  watches: JobWatches;
}

function succeeded(seq: number, result: StitchResult): GenAction {
  const version = clipVersion(result, "generated");
  return { type: "stitchSucceeded", seq, videoId: version.videoId, videoUrl: version.videoUrl, posterUrl: version.posterUrl, draft: version.draft };
}

async function postStitch(data: QuickJobData, seq: number, videoIds: string[], requestKey: string, dispatch: Dispatch<GenAction>) {
  try {
    const outcome = started<StitchResult>(
      await api.POST("/api/mv/stitch_video", {
        body: data.audioId
          ? { video_ids: videoIds, audio_id: data.audioId, suppress_video_audio: true }
          : { video_ids: videoIds, suppress_video_audio: false },
        ...START_NOW,
        headers: { "Idempotency-Key": requestKey },
      }),
    );
    if (outcome.kind === "job") dispatch({ type: "stitchJobAssigned", seq, jobId: outcome.jobId });
    else dispatch(succeeded(seq, outcome.result));
  } catch (error) {
    dispatch({ type: "stitchFailed", seq, error: describeError(error) });
  }
}

/** One stitch per stitch request, from the clip ids React just committed; resumed and followed after a reload. */
export function useStitch({ ready, jobData, state, dispatch, watches }: StitchInput): void {
  const startedSeqs = useRef(new Set<number>());

  useEffect(() => {
    if (!ready || !jobData) return;
    const seq = state.stitchRequested;
    if (seq <= state.final.seq || startedSeqs.current.has(seq)) return;
    const videoIds = currentVideoIds(state);
    if (videoIds.length === 0) return;
    startedSeqs.current.add(seq);
    const requestKey = newId();
    dispatch({ type: "stitchStarted", seq, videoIds, jobId: null, requestKey });
    void postStitch(jobData, seq, videoIds, requestKey, dispatch);
  }, [ready, jobData, state, dispatch]);

  // A reload while the stitch request was in flight: send it again with its key to find its job.
  useEffect(() => {
    const { status, jobId, requestKey, seq, videoIds } = state.final;
    if (!ready || !jobData || status !== "running" || jobId || !requestKey || startedSeqs.current.has(seq)) return;
    startedSeqs.current.add(seq);
    void postStitch(jobData, seq, videoIds, requestKey, dispatch);
  }, [ready, jobData, state.final, dispatch]);

  useEffect(() => {
    const { jobId, status, seq } = state.final;
    if (!ready || status !== "running" || !jobId) return;
    watches.start(jobId, {
      onProgress: (job) => dispatch({ type: "stitchProgress", seq, progress: job.progress ?? 0 }),
      onDone: (result) => dispatch(succeeded(seq, result as StitchResult)),
      onError: (error) => dispatch({ type: "stitchFailed", seq, error }),
    });
  }, [ready, state.final, watches, dispatch]);
}

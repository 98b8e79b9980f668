"use client";

import { useCallback, useEffect, useRef, type Dispatch } from "react";
import { api, describeError, START_NOW, started, type CreateScenesResult } from "@/lib/api/client";
import { newId } from "@/lib/clipVersion";
import type { GenAction, GenState } from "@/lib/genState";
import type { JobWatches } from "@/lib/jobWatches";
import { scenesForTrack } from "@/lib/lipsync";
import { providerFor, type QuickJobData } from "@/lib/quickJob";

interface ScenePlanInput {
  ready: boolean;
  jobData: QuickJobData | null;
  state: GenState;
  dispatch: Dispatch<GenAction>;
  flavorsLoading: boolean;
  watches: JobWatches;
}

function sceneAction(result: CreateScenesResult): GenAction {
  return {
    type: "scenesLoaded",
    scenes: result.scenes.map((scene) => ({
      id: newId(),
      description: scene.description,
      negativeDescription: scene.negative_description ?? "",
      music: {
        start_time: scene.start_time,
        end_time: scene.end_time,
        section: scene.section ?? null,
        energy: scene.energy ?? null,
        vocals: scene.vocals ?? null,
        lyrics: (scene.lyrics ?? []).map((line) => line.text),
        lipsyncSuggested: scene.lipsync_suggested ?? false,
      },
    })),
  };
}

const MISSING_BRIEF =
  "This project has no video description or no character description yet, so no scenes can be planned: start it again from the create page.";

/** Plan the scenes once per quick job (resuming after a reload); returns the retry action. */
export function useScenePlan({ ready, jobData, state, dispatch, flavorsLoading, watches }: ScenePlanInput): () => void {
  const starting = useRef(false);
  const startScenes = useCallback(
    async (data: QuickJobData, requestKey: string = newId()) => {
      if (starting.current) return;
      if (!data.videoDescription?.trim() || !data.characterDescription?.trim()) {
        dispatch({ type: "scenesFailed", error: MISSING_BRIEF });
        return;
      }
      starting.current = true;
      dispatch({ type: "scenesStarted", jobId: null, requestKey });
      try {
        const outcome = started<CreateScenesResult>(
          await api.POST("/api/mv/create_scenes", {
            body: {
              idea: data.videoDescription,
              character_description: data.characterDescription,
              config_flavor: data.configFlavor,
              provider: providerFor(data.generationMode),
              number_of_scenes: data.audioId ? scenesForTrack(data.audioDuration) : undefined,
              audio_id: data.audioId || undefined,
            },
            ...START_NOW,
            headers: { "Idempotency-Key": requestKey },
          }),
        );
        if (outcome.kind === "job") dispatch({ type: "scenesStarted", jobId: outcome.jobId, requestKey });
        else dispatch(sceneAction(outcome.result));
      } catch (error) {
        dispatch({ type: "scenesFailed", error: describeError(error) });
      } finally {
        starting.current = false;
      }
    },
    [dispatch],
  );

  useEffect(() => {
    if (ready && jobData && state.scenesStatus === "idle" && !flavorsLoading) void startScenes(jobData);
  }, [ready, jobData, state.scenesStatus, flavorsLoading, startScenes]);

  // A reload while the plan request was in flight: send it again with its key to find its job.
  useEffect(() => {
    if (ready && jobData && state.scenesStatus === "running" && !state.scenesJobId && state.scenesRequestKey)
      void startScenes(jobData, state.scenesRequestKey);
  }, [ready, jobData, state.scenesStatus, state.scenesJobId, state.scenesRequestKey, startScenes]);

  useEffect(() => {
    const jobId = state.scenesJobId;
    if (!ready || state.scenesStatus !== "running" || !jobId) return;
    watches.start(jobId, {
      onDone: (result) => dispatch(sceneAction(result as CreateScenesResult)),
      onError: (error) => dispatch({ type: "scenesFailed", error }),
    });
  }, [ready, state.scenesStatus, state.scenesJobId, watches, dispatch]);

  return useCallback(() => {
    if (jobData) void startScenes(jobData);
  }, [jobData, startScenes]);
}

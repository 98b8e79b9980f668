"use client";

import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import Link from "next/link";
import { AlertCircle, Clapperboard, Download, Loader2, RefreshCw, Wand2 } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Progress } from "@/components/ui/progress";
import { AudioTrack } from "@/components/audio-track";
import { FlavorSelect } from "@/components/flavor-select";
import { CollapsibleSection, Section } from "@/components/section";
import {
  api,
  describeError,
  START_NOW,
  started,
  type CreateScenesResult,
  type GenerateVideoResult,
  type LipsyncResult,
  type StitchResult,
} from "@/lib/api/client";
import { isDraft, mediaUrl } from "@/lib/format";
import {
  allClipsSettled,
  currentVideoIds,
  GEN_STATE_KEY,
  initialGenState,
  parseGenState,
  reduce,
  type ClipVersion,
  type SceneState,
} from "@/lib/genState";
import { useFlavors } from "@/lib/hooks/useBackendInfo";
import { usePersist, useSessionRestore } from "@/lib/hooks/useSessionState";
import { jobResult, watchJob } from "@/lib/jobs";
import { lipsyncWindow, scenesForTrack, windowInsideTrack } from "@/lib/lipsync";
import { parseQuickJobData, providerFor, QUICK_JOB_KEY, resolveFlavor, type QuickJobData } from "@/lib/quickJob";
import { SceneCard } from "./scene-card";

function newId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function clipVersion(result: { video_id: string; video_url?: string | null; metadata?: unknown }, kind: ClipVersion["kind"]): ClipVersion {
  return {
    videoId: result.video_id,
    videoUrl: mediaUrl(result.video_url, `/api/mv/get_video/${result.video_id}`),
    kind,
    draft: isDraft(result.metadata),
  };
}

type Watch = { controller: AbortController };

export function QuickGenPage() {
  const restoredJob = useSessionRestore(QUICK_JOB_KEY, parseQuickJobData);
  const restoredGen = useSessionRestore(GEN_STATE_KEY, parseGenState);
  const [jobData, setJobData] = useState<QuickJobData | null>(null);
  const [state, dispatch] = useReducer(reduce, initialGenState);
  const [ready, setReady] = useState(false);
  const flavorState = useFlavors();
  const [flavorNote, setFlavorNote] = useState<string | null>(null);

  useEffect(() => {
    if (!ready && restoredJob.ready && restoredGen.ready) {
      setJobData(restoredJob.value);
      dispatch({ type: "hydrate", state: restoredGen.value ?? initialGenState });
      setReady(true);
    }
  }, [ready, restoredJob, restoredGen]);
  usePersist(GEN_STATE_KEY, state, ready && jobData !== null);
  usePersist(QUICK_JOB_KEY, jobData, ready && jobData !== null);

  // The flavor must exist on the server; otherwise use default and say so.
  useEffect(() => {
    if (!jobData || flavorState.loading) return;
    const resolved = resolveFlavor(jobData.configFlavor, flavorState.flavors);
    if (resolved !== jobData.configFlavor) {
      setFlavorNote(`Flavor "${jobData.configFlavor}" is not available; using "default".`);
      setJobData({ ...jobData, configFlavor: resolved });
    }
  }, [jobData, flavorState]);

  const flavor = jobData?.configFlavor ?? "default";
  const provider = providerFor(jobData?.generationMode ?? "draft");
  const audioId = jobData?.audioId;

  // ---- Job watching: one poller per running job id, results go through dispatch ----------
  const watches = useRef(new Map<string, Watch>());
  const watch = useCallback((jobId: string, onProgress: (progress: number, message: string | null) => void, onDone: (result: unknown) => void, onError: (message: string) => void) => {
    if (watches.current.has(jobId)) return;
    const controller = new AbortController();
    watches.current.set(jobId, { controller });
    watchJob(jobId, (job) => onProgress(job.progress ?? 0, job.message ?? null), controller.signal)
      .then((job) => {
        if (job) onDone(jobResult<unknown>(job));
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) onError(describeError(error));
      })
      .finally(() => watches.current.delete(jobId));
  }, []);
  useEffect(() => {
    const current = watches.current;
    return () => {
      current.forEach(({ controller }) => controller.abort());
      current.clear();
    };
  }, []);

  // ---- Scenes -----------------------------------------------------------------------------
  const scenesStarting = useRef(false);
  const startScenes = useCallback(
    async (data: QuickJobData, requestKey: string = newId()) => {
      if (scenesStarting.current) return;
      scenesStarting.current = true;
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
            },
            ...START_NOW,
            headers: { "Idempotency-Key": requestKey },
          }),
        );
        if (outcome.kind === "job") dispatch({ type: "scenesStarted", jobId: outcome.jobId, requestKey });
        else acceptScenes(outcome.result);
      } catch (error) {
        dispatch({ type: "scenesFailed", error: describeError(error) });
      } finally {
        scenesStarting.current = false;
      }
    },
    [],
  );

  function acceptScenes(result: CreateScenesResult) {
    dispatch({
      type: "scenesLoaded",
      scenes: result.scenes.map((scene) => ({
        id: newId(),
        description: scene.description,
        negativeDescription: scene.negative_description ?? "",
      })),
    });
  }

  useEffect(() => {
    if (ready && jobData && state.scenesStatus === "idle" && !flavorState.loading) void startScenes(jobData);
  }, [ready, jobData, state.scenesStatus, flavorState.loading, startScenes]);

  // A reload while the plan request was in flight: send it again with its key to find its job.
  useEffect(() => {
    if (ready && jobData && state.scenesStatus === "running" && !state.scenesJobId && state.scenesRequestKey)
      void startScenes(jobData, state.scenesRequestKey);
  }, [ready, jobData, state.scenesStatus, state.scenesJobId, state.scenesRequestKey, startScenes]);

  useEffect(() => {
    const jobId = state.scenesJobId;
    if (!ready || state.scenesStatus !== "running" || !jobId) return;
    watch(
      jobId,
      () => undefined,
      (result) => acceptScenes(result as CreateScenesResult),
      (error) => dispatch({ type: "scenesFailed", error }),
    );
  }, [ready, state.scenesStatus, state.scenesJobId, watch]);

  // ---- Clips ------------------------------------------------------------------------------
  const clipStarting = useRef(new Set<string>());
  const startClip = useCallback(
    async (scene: SceneState, index: number, operation: "generate" | "lipsync", requestKey: string = newId()) => {
      if (!jobData || clipStarting.current.has(scene.id)) return;
      clipStarting.current.add(scene.id);
      dispatch({ type: "clipStarted", sceneId: scene.id, operation, jobId: null, requestKey });
      const headers = { "Idempotency-Key": requestKey };
      const window = lipsyncWindow(index);
      try {
        let outcome;
        if (operation === "lipsync") {
          const current = scene.clip.history.at(-1);
          if (!current || !jobData.audioId) throw new Error("Lipsync needs a clip and an audio track.");
          outcome = started<LipsyncResult>(
            await api.POST("/api/mv/lipsync", {
              body: { video_id: current.videoId, audio_id: jobData.audioId, ...window, config_flavor: jobData.configFlavor, provider },
              ...START_NOW,
              headers,
            }),
          );
        } else {
          outcome = started<GenerateVideoResult>(
            await api.POST("/api/mv/generate_video", {
              body: {
                prompt: scene.description,
                negative_prompt: scene.negativeDescription || undefined,
                character_reference_id: jobData.characterReferenceImageId,
                ...(jobData.audioId && windowInsideTrack(index, jobData.audioDuration) ? { audio_id: jobData.audioId, ...window } : {}),
                config_flavor: jobData.configFlavor,
                provider,
              },
              ...START_NOW,
              headers,
            }),
          );
        }
        if (outcome.kind === "job") dispatch({ type: "clipJobAssigned", sceneId: scene.id, jobId: outcome.jobId });
        else dispatch({ type: "clipSucceeded", sceneId: scene.id, version: clipVersion(outcome.result, operation === "lipsync" ? "lipsync" : "generated") });
      } catch (error) {
        dispatch({ type: "clipFailed", sceneId: scene.id, error: describeError(error) });
      } finally {
        clipStarting.current.delete(scene.id);
      }
    },
    [jobData, provider],
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

  // Follow every running clip job (also after a reload).
  useEffect(() => {
    if (!ready) return;
    for (const scene of state.scenes) {
      const { jobId, status, operation } = scene.clip;
      if (status !== "running" || !jobId) continue;
      const sceneId = scene.id;
      watch(
        jobId,
        (progress, message) => dispatch({ type: "clipProgress", sceneId, progress, message }),
        (result) =>
          dispatch({
            type: "clipSucceeded",
            sceneId,
            version: clipVersion(result as GenerateVideoResult, operation === "lipsync" ? "lipsync" : "generated"),
          }),
        (error) => dispatch({ type: "clipFailed", sceneId, error }),
      );
    }
  }, [ready, state.scenes, watch]);

  // ---- Stitch -----------------------------------------------------------------------------
  const stitchStarted = useRef(new Set<number>());
  useEffect(() => {
    if (!ready || !jobData) return;
    const seq = state.stitchRequested;
    if (seq <= state.final.seq || stitchStarted.current.has(seq)) return;
    // Computed from the state React just committed: always the newest clip ids.
    const videoIds = currentVideoIds(state);
    if (videoIds.length === 0) return;
    stitchStarted.current.add(seq);
    const requestKey = newId();
    dispatch({ type: "stitchStarted", seq, videoIds, jobId: null, requestKey });
    void postStitch(jobData, seq, videoIds, requestKey);
  }, [ready, jobData, state]);

  // A reload while the stitch request was in flight: send it again with its key to find its job.
  useEffect(() => {
    const { status, jobId, requestKey, seq, videoIds } = state.final;
    if (!ready || !jobData || status !== "running" || jobId || !requestKey || stitchStarted.current.has(seq)) return;
    stitchStarted.current.add(seq);
    void postStitch(jobData, seq, videoIds, requestKey);
  }, [ready, jobData, state.final]);

  async function postStitch(data: QuickJobData, seq: number, videoIds: string[], requestKey: string) {
    {
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
        else {
          const version = clipVersion(outcome.result, "generated");
          dispatch({ type: "stitchSucceeded", seq, videoId: version.videoId, videoUrl: version.videoUrl, draft: version.draft });
        }
      } catch (error) {
        dispatch({ type: "stitchFailed", seq, error: describeError(error) });
      }
    }
  }

  useEffect(() => {
    const { jobId, status, seq } = state.final;
    if (!ready || status !== "running" || !jobId) return;
    watch(
      jobId,
      (progress) => dispatch({ type: "stitchProgress", seq, progress }),
      (result) => {
        const version = clipVersion(result as StitchResult, "generated");
        dispatch({ type: "stitchSucceeded", seq, videoId: version.videoId, videoUrl: version.videoUrl, draft: version.draft });
      },
      (error) => dispatch({ type: "stitchFailed", seq, error }),
    );
  }, [ready, state.final, watch]);

  // ---- Render -----------------------------------------------------------------------------
  if (!ready) {
    return (
      <div className="flex items-center gap-2 text-muted-foreground">
        <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> Loading…
      </div>
    );
  }

  if (!jobData) {
    return (
      <Card data-testid="no-quick-job">
        <CardHeader>
          <CardTitle>No quick job yet</CardTitle>
        </CardHeader>
        <CardContent className="space-y-3">
          <p className="text-muted-foreground">Describe your video and add a song on the Create page, then press Quick Job.</p>
          <Button asChild>
            <Link href="/create">Go to Create</Link>
          </Button>
        </CardContent>
      </Card>
    );
  }

  const clipsDone = state.scenes.filter((scene) => scene.clip.history.length > 0).length;
  const anyRunning = state.scenes.some((scene) => scene.clip.status === "running");
  const canStitch = currentVideoIds(state).length > 0 && !anyRunning;
  const final = state.final;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-3xl font-bold tracking-tight">Quick job</h1>
          <p className="text-muted-foreground">Scenes, one clip per scene, then the stitched video.</p>
        </div>
        <Badge variant={jobData.generationMode === "draft" ? "warning" : "default"} data-testid="generation-mode">
          {jobData.generationMode === "draft" ? "Draft mode (offline)" : "Full quality (Replicate)"}
        </Badge>
      </div>

      <CollapsibleSection id="configuration" title="Configuration" summary={<span>Flavor: {flavor}</span>}>
        <FlavorSelect
          value={flavor}
          onChange={(configFlavor) => {
            setFlavorNote(null);
            setJobData((prev) => (prev ? { ...prev, configFlavor } : prev));
          }}
          state={flavorState}
        />
        <p className="text-xs text-muted-foreground">Applies to every request made from now on (scenes, clips, lipsync).</p>
      </CollapsibleSection>
      {flavorNote ? (
        <Alert variant="warning" data-testid="flavor-note">
          <AlertDescription>{flavorNote}</AlertDescription>
        </Alert>
      ) : null}

      <CollapsibleSection id="input-data" title="Input Data" defaultOpen>
        <dl className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-1">
            <dt className="text-sm text-muted-foreground">Video Description</dt>
            <dd data-testid="input-video-description">{jobData.videoDescription}</dd>
          </div>
          <div className="space-y-1">
            <dt className="text-sm text-muted-foreground">Character</dt>
            <dd data-testid="input-character-description">{jobData.characterDescription || "—"}</dd>
          </div>
          <div className="space-y-1">
            <dt className="text-sm text-muted-foreground">Config Flavor</dt>
            <dd data-testid="input-config-flavor">{flavor}</dd>
          </div>
          <div className="space-y-1">
            <dt className="text-sm text-muted-foreground">Generation Mode</dt>
            <dd data-testid="input-generation-mode">
              {jobData.generationMode === "draft" ? "Draft (offline, free)" : "Full quality (Replicate)"}
            </dd>
          </div>
          <div className="space-y-1">
            <dt className="text-sm text-muted-foreground">Character Reference</dt>
            <dd>
              {jobData.characterReferenceImageId ? (
                // eslint-disable-next-line @next/next/no-img-element
                <img
                  src={`/api/mv/get_character_reference/${jobData.characterReferenceImageId}`}
                  alt="Character reference"
                  className="h-24 w-24 rounded-md border object-cover"
                  data-testid="input-character-image"
                />
              ) : (
                <span className="text-muted-foreground">None (the description guides the clips)</span>
              )}
            </dd>
          </div>
          <div className="space-y-1 sm:col-span-2">
            <dt className="text-sm text-muted-foreground">Audio Track</dt>
            <dd className="space-y-1">
              {jobData.audioId ? (
                <>
                  <AudioTrack
                    audioId={jobData.audioId}
                    audioUrl={jobData.audioUrl ?? `/api/audio/get/${jobData.audioId}`}
                    title={jobData.audioTitle ?? "Audio track"}
                    duration={jobData.audioDuration}
                    testId="input-audio"
                  />
                  {jobData.audioStartAt ? (
                    <p className="text-xs text-muted-foreground" data-testid="input-audio-start">
                      Audio trimmed from: {jobData.audioStartAt} seconds
                    </p>
                  ) : null}
                </>
              ) : (
                <span className="text-muted-foreground">No audio: clips are silent and lipsync is unavailable.</span>
              )}
            </dd>
          </div>
        </dl>
      </CollapsibleSection>

      <Section
        id="scenes"
        title="Scenes"
        description={
          state.scenesStatus === "succeeded"
            ? `${clipsDone} of ${state.scenes.length} clips ready. Edit a scene's text, then regenerate its clip.`
            : undefined
        }
      >
        {state.scenesStatus === "running" || state.scenesStatus === "idle" ? (
          <div className="flex items-center gap-2 text-muted-foreground" data-testid="scenes-loading">
            <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> Writing the scene plan…
          </div>
        ) : null}
        {state.scenesStatus === "failed" ? (
          <Alert variant="destructive" data-testid="scenes-error">
            <AlertCircle className="mb-1 h-4 w-4" aria-hidden />
            <AlertTitle>Scenes could not be created</AlertTitle>
            <AlertDescription className="space-y-2">
              <p>{state.scenesError}</p>
              <Button size="sm" variant="outline" onClick={() => void startScenes(jobData)} data-testid="scenes-retry">
                <RefreshCw aria-hidden /> Retry
              </Button>
            </AlertDescription>
          </Alert>
        ) : null}
        <div className="grid gap-4">
          {state.scenes.map((scene, index) => (
            <SceneCard
              key={scene.id}
              scene={scene}
              index={index}
              hasAudio={Boolean(audioId)}
              insideTrack={windowInsideTrack(index, jobData.audioDuration)}
              onEdit={(description) => dispatch({ type: "sceneEdited", sceneId: scene.id, description })}
              onRegenerate={(withLipsync) => void startClip(scene, index, withLipsync ? "lipsync" : "generate")}
            />
          ))}
        </div>
      </Section>

      <Section id="final-video" title="Final Video">
        {final.status === "idle" ? (
          <p className="text-muted-foreground" data-testid="final-waiting">
            {state.scenes.length > 0 && allClipsSettled(state) && currentVideoIds(state).length === 0
              ? "No clip succeeded, so there is nothing to stitch yet."
              : "The clips are stitched with the song as soon as they are all ready."}
          </p>
        ) : null}
        {final.status === "running" ? (
          <div className="space-y-2" data-testid="final-stitching">
            <p className="flex items-center gap-2 text-sm text-muted-foreground">
              <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> Stitching {final.videoIds.length} clips…
            </p>
            <Progress value={Math.round(final.progress * 100)} />
          </div>
        ) : null}
        {final.status === "failed" ? (
          <Alert variant="destructive" data-testid="final-error">
            <AlertTitle>Stitching failed</AlertTitle>
            <AlertDescription>{final.error}</AlertDescription>
          </Alert>
        ) : null}
        {final.videoUrl && final.videoId ? (
          <div className="space-y-2" data-testid="final-video" data-video-id={final.videoId} data-clip-ids={final.videoIds.join(",")}>
            <div className="flex items-center gap-2">
              <Clapperboard className="h-4 w-4 text-primary" aria-hidden />
              <span className="text-sm text-muted-foreground">{final.videoIds.length} clips with the song</span>
              {final.draft ? (
                <Badge variant="warning" data-testid="final-draft">
                  Draft
                </Badge>
              ) : null}
            </div>
            <video key={final.videoUrl} src={final.videoUrl} controls preload="metadata" className="w-full max-w-3xl rounded-md border bg-black" data-testid="final-video-player" />
          </div>
        ) : null}
        <div className="flex flex-wrap gap-2">
          {final.videoUrl && final.videoId ? (
            <Button asChild variant="secondary" data-testid="final-download">
              <a href={final.videoUrl} download={`encore-${final.videoId}.mp4`}>
                <Download aria-hidden /> Download
              </a>
            </Button>
          ) : null}
          {final.status !== "idle" || canStitch ? (
            <Button
              variant="outline"
              onClick={() => dispatch({ type: "stitchRequested" })}
              disabled={!canStitch || final.status === "running"}
              data-testid="restitch"
            >
              {final.status === "running" ? <Loader2 className="animate-spin" aria-hidden /> : <Wand2 aria-hidden />}
              Re-stitch with current clips
            </Button>
          ) : null}
        </div>
      </Section>
    </div>
  );
}

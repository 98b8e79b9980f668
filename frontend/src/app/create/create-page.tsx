"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { EstimatePanel } from "@/components/estimate-panel";
import { SpendConfirmDialog } from "@/components/spend-confirm-dialog";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { api, unwrap } from "@/lib/api/client";
import { needsConfirmation, type Estimate, type EstimateRequest } from "@/lib/estimate";
import { GEN_STATE_KEY } from "@/lib/genState";
import { useEstimate } from "@/lib/hooks/useEstimate";
import { scenesForTrack } from "@/lib/lipsync";
import { projectFromQuickJob } from "@/lib/projects";
import { QUICK_JOB_KEY, validateQuickJob, type QuickJobData, type QuickJobErrors } from "@/lib/quickJob";
import { AudioCard } from "./audio-card";
import { CharacterCard } from "./character-card";
import { ConfigurationCard } from "./configuration-card";
import { GenerationModeCard } from "./generation-mode-card";
import { LyricsCard } from "./lyrics-card";
import { QuickJobBar } from "./quick-job-bar";
import { useCharacter } from "./use-character";
import { useCreateSession } from "./use-create-session";
import { useSong } from "./use-song";
import { useKnownRatios } from "./use-known-ratios";
import { useTrim } from "./use-trim";
import { VideoDescriptionCard } from "./video-description-card";

/** The create page: Generation Mode, Configuration, Video Description, Character, Audio, Lyrics once a song is chosen, then Quick Job. */
export function CreatePage() {
  const router = useRouter();
  const { ready, state, update, flavorState, health, healthFailed, replicateAvailable } = useCreateSession();
  const [errors, setErrors] = useState<QuickJobErrors>({});
  const [navigating, setNavigating] = useState(false);
  const clearError = (field: keyof QuickJobErrors) => setErrors((prev) => (prev[field] ? { ...prev, [field]: undefined } : prev));

  const song = useSong(ready, state, update);
  const trim = useTrim(state, update);
  const character = useCharacter(ready, state, update, () =>
    setErrors((prev) => ({ ...prev, characterDescription: "Describe the character first." })),
  );
  const audioBusy = song.uploading || trim.trimming || state.audioJobId !== null;
  // What Quick Job starts: the scene plan and one clip per scene (character images have their own request).
  const estimateBody: EstimateRequest | null = ready
    ? {
        config_flavor: state.configFlavor,
        mode: state.mode,
        aspect_ratio: state.aspectRatio,
        number_of_scenes: state.track ? scenesForTrack(state.track.duration) : undefined,
        character_images: 0,
      }
    : null;
  const estimate = useEstimate(estimateBody);
  const aspectRatios = useKnownRatios(state.configFlavor, estimate.estimate?.aspect_ratios);
  const [confirming, setConfirming] = useState<Estimate | null>(null);

  function requestQuickJob() {
    // A Full Quick Job never starts before its estimate was shown (the panel says it is on its way).
    if (state.mode === "full" && estimate.estimate === null && estimate.error === null) return;
    if (state.mode === "full" && needsConfirmation(estimate.estimate)) setConfirming(estimate.estimate);
    else void quickJob();
  }

  async function quickJob() {
    const found = validateQuickJob({
      videoDescription: state.videoDescription,
      characterDescription: state.characterDescription,
      characterReferenceImageId: state.selectedCharacterId,
      audioBusy,
      characterBusy: character.busy,
    });
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const data: QuickJobData = {
      videoDescription: state.videoDescription.trim(),
      characterDescription: state.characterDescription.trim(),
      characterReferenceImageId: state.selectedCharacterId ?? undefined,
      audioId: state.track?.audioId,
      audioUrl: state.track?.audioUrl,
      audioTitle: state.track?.title,
      audioDuration: state.track?.duration ?? undefined,
      configFlavor: state.configFlavor,
      generationMode: state.mode,
      aspectRatio: state.aspectRatio,
      audioStartAt: state.track?.startOffset,
    };
    setNavigating(true);
    try {
      data.projectId = unwrap(await api.POST("/api/projects", { body: projectFromQuickJob(data) })).id;
    } catch {
      // The job still runs in this tab (the seeds' behaviour); it just is not kept as a project.
    }
    window.sessionStorage.setItem(QUICK_JOB_KEY, JSON.stringify(data));
    window.sessionStorage.removeItem(GEN_STATE_KEY);
    router.push(data.projectId ? `/quick-gen-page?project=${data.projectId}` : "/quick-gen-page");
  }

  const fullExplanation = healthFailed
    ? "The Encore API is not reachable, so full quality can't be checked."
    : health && !replicateAvailable
      ? "Full quality needs a Replicate API token on the server (REPLICATE_API_TOKEN)."
      : "Real models on Replicate; each clip costs money.";

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Create a music video</h1>
        <p className="text-muted-foreground">A song, an idea and a character become scenes, clips and one stitched video.</p>
      </div>
      {healthFailed ? (
        <Alert variant="destructive" data-testid="backend-unreachable">
          <AlertDescription>The Encore API is not reachable. Start it with `make run` and reload.</AlertDescription>
        </Alert>
      ) : null}
      <GenerationModeCard
        mode={state.mode}
        replicateAvailable={replicateAvailable}
        fullExplanation={fullExplanation}
        onMode={(mode) => update({ mode })}
      />
      <ConfigurationCard
        state={state}
        update={update}
        flavorState={flavorState}
        trim={trim}
        audioBusy={audioBusy}
        aspectRatios={aspectRatios}
        aspectRatiosLoading={aspectRatios === null && (!ready || estimate.loading)}
      />
      <VideoDescriptionCard
        value={state.videoDescription}
        error={errors.videoDescription}
        onChange={(videoDescription) => {
          update({ videoDescription });
          clearError("videoDescription");
        }}
      />
      <CharacterCard
        state={state}
        update={update}
        character={character}
        descriptionError={errors.characterDescription}
        characterError={errors.character}
        onDescription={(characterDescription) => {
          update({ characterDescription });
          clearError("characterDescription");
        }}
      />
      <AudioCard state={state} update={update} song={song} busy={audioBusy} audioError={errors.audio} />
      {state.track ? <LyricsCard audioId={state.track.audioId} busy={audioBusy} /> : null}
      {state.mode === "full" || estimate.error ? <EstimatePanel state={estimate} what="this Quick Job" /> : null}
      <QuickJobBar mode={state.mode} navigating={navigating} hasErrors={Object.values(errors).some(Boolean)} onQuickJob={requestQuickJob} />
      <SpendConfirmDialog
        estimate={confirming}
        action="Start this Quick Job"
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null);
          void quickJob();
        }}
      />
    </div>
  );
}

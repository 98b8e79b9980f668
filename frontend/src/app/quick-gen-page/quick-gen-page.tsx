"use client";

import { useState } from "react";
import Link from "next/link";
import { Loader2 } from "lucide-react";
import { SongTimeline } from "@/components/timeline/song-timeline";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { SpendConfirmDialog } from "@/components/spend-confirm-dialog";
import { formatUsd, needsConfirmation, type Estimate, type EstimateRequest } from "@/lib/estimate";
import type { SceneState } from "@/lib/genState";
import { useEstimate } from "@/lib/hooks/useEstimate";
import { CLIP_SECONDS } from "@/lib/lipsync";
import { goToSceneCard, windowFields } from "@/lib/timeline";
import { ConfigurationCard } from "./configuration-card";
import { FinalVideoCard } from "./final-video-card";
import { InputDataCard } from "./input-data-card";
import { NoQuickJob } from "./no-quick-job";
import { ScenesCard } from "./scenes-card";
import { useClips } from "./use-clips";
import { useJobWatches } from "./use-job-watches";
import { useProjectSync, type SaveStatus } from "./use-project-sync";
import { useQuickGenSession } from "./use-quick-gen-session";
import { useScenePlan } from "./use-scene-plan";
import { useStitch } from "./use-stitch";

/** The quick-gen page: Configuration, Input Data, Scenes (one card each) and the Final Video. */
export function QuickGenPage() {
  const { ready, jobData, state, dispatch, flavorState, flavorNote, chooseFlavor, project, projectError } = useQuickGenSession();
  const watches = useJobWatches();
  const retryPlan = useScenePlan({ ready, jobData, state, dispatch, flavorsLoading: flavorState.loading, watches });
  const startClip = useClips({ ready, jobData, state, dispatch, watches });
  useStitch({ ready, jobData, state, dispatch, watches });
  const sync = useProjectSync(ready, jobData, state, project);
  const full = jobData?.generationMode === "full";
  const paid = (extra: Partial<EstimateRequest>): EstimateRequest | null =>
    full && jobData
      ? { config_flavor: jobData.configFlavor, mode: "full", aspect_ratio: jobData.aspectRatio ?? "16:9", plan_scenes: false, character_images: 0, number_of_scenes: 0, ...extra }
      : null;
  const clipEstimate = useEstimate(paid({ number_of_scenes: 1 }));
  const lipsyncEstimate = useEstimate(paid({ lipsync_seconds: CLIP_SECONDS }));
  const [confirming, setConfirming] = useState<{ estimate: Estimate; action: string; run: () => void } | null>(null);

  function regenerate(scene: SceneState, index: number, withLipsync: boolean) {
    const run = () => void startClip(scene, index, withLipsync ? "lipsync" : "generate");
    const { estimate, error } = withLipsync ? lipsyncEstimate : clipEstimate;
    if (full && estimate === null && error === null) return; // its estimate is not shown yet
    if (full && estimate && needsConfirmation(estimate)) {
      setConfirming({ estimate, action: withLipsync ? `Lipsync scene ${index + 1}` : `Regenerate scene ${index + 1}`, run });
    } else run();
  }

  if (!ready) {
    return (
      <div className="flex items-center gap-2 text-muted-foreground">
        <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> Loading…
      </div>
    );
  }
  if (projectError) {
    return (
      <Alert variant="destructive" data-testid="project-error">
        <AlertDescription>
          This project could not be opened: {projectError} <Link href="/projects" className="underline">See your projects</Link>.
        </AlertDescription>
      </Alert>
    );
  }
  if (!jobData) return <NoQuickJob />;

  const flavor = jobData.configFlavor;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-3xl font-bold tracking-tight">Quick job</h1>
          <p className="text-muted-foreground">Scenes, one clip per scene, then the stitched video.</p>
          {sync.projectId ? <ProjectLink projectId={sync.projectId} status={sync.status} error={sync.error} /> : null}
        </div>
        <Badge variant={jobData.generationMode === "draft" ? "warning" : "default"} data-testid="generation-mode">
          {jobData.generationMode === "draft" ? "Draft mode (offline)" : "Full quality (Replicate)"}
        </Badge>
      </div>
      <ConfigurationCard flavor={flavor} flavorState={flavorState} flavorNote={flavorNote} onFlavor={chooseFlavor} />
      <InputDataCard
        jobData={jobData}
        flavor={flavor}
        timeline={
          jobData.audioId ? (
            <SongTimeline
              audioId={jobData.audioId}
              duration={jobData.audioDuration}
              scenes={state.scenes.map((scene) => windowFields(scene.music ?? {}))}
              onSelectScene={(index) => goToSceneCard(state.scenes[index]?.id)}
            />
          ) : null
        }
      />
      <ScenesCard
        state={state}
        jobData={jobData}
        onRetryPlan={retryPlan}
        onEdit={(sceneId, description) => dispatch({ type: "sceneEdited", sceneId, description })}
        onRegenerate={regenerate}
        costs={
          full
            ? {
                clip: clipEstimate.estimate ? formatUsd(clipEstimate.estimate.total_usd) : null,
                lipsync: lipsyncEstimate.estimate ? formatUsd(lipsyncEstimate.estimate.total_usd) : null,
              }
            : null
        }
      />
      <SpendConfirmDialog
        estimate={confirming?.estimate ?? null}
        action={confirming?.action ?? ""}
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          confirming?.run();
          setConfirming(null);
        }}
      />
      <FinalVideoCard state={state} hasSong={Boolean(jobData.audioId)} onRestitch={() => dispatch({ type: "stitchRequested" })} />
    </div>
  );
}

const SAVE_TEXT: Record<SaveStatus, string> = { none: "Project", saving: "Saving…", saved: "Saved", failed: "Not saved" };

/** Where this job is kept: a link that opens it in any tab, and whether the last change is saved. */
function ProjectLink({ projectId, status, error }: { projectId: string; status: SaveStatus; error: string | null }) {
  return (
    <p className="text-sm text-muted-foreground" data-testid="project-link">
      <Link href={`/quick-gen-page?project=${projectId}`} className="underline">
        Link to this project
      </Link>{" "}
      · <span data-testid="save-status" role="status">{SAVE_TEXT[status]}</span>
      {error ? <span className="text-destructive"> ({error})</span> : null}
    </p>
  );
}

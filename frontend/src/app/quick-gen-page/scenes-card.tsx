import { AlertCircle, Loader2, RefreshCw } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Section } from "@/components/section";
import type { GenState, SceneState } from "@/lib/genState";
import { planInsideTrack, planWindow } from "@/lib/lipsync";
import type { QuickJobData } from "@/lib/quickJob";
import { SceneCard } from "./scene-card";

interface ScenesCardProps {
  state: GenState;
  jobData: QuickJobData;
  onRetryPlan: () => void;
  onEdit: (sceneId: string, description: string) => void;
  onRegenerate: (scene: SceneState, index: number, withLipsync: boolean) => void;
  /** Estimated cost of one regenerate and one lipsync, shown beside the button in full mode (null: drafts). */
  costs?: { clip: string | null; lipsync: string | null } | null;
}

/** Scenes: the plan's progress or error, then one card per scene. */
export function ScenesCard({ state, jobData, onRetryPlan, onEdit, onRegenerate, costs = null }: ScenesCardProps) {
  const clipsDone = state.scenes.filter((scene) => scene.clip.history.length > 0).length;
  return (
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
            <Button size="sm" variant="outline" onClick={onRetryPlan} data-testid="scenes-retry">
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
            songWindow={planWindow(scene.music, index, jobData.audioDuration)}
            hasAudio={Boolean(jobData.audioId)}
            insideTrack={planInsideTrack(scene.music, index, jobData.audioDuration)}
            onEdit={(description) => onEdit(scene.id, description)}
            onRegenerate={(withLipsync) => onRegenerate(scene, index, withLipsync)}
            costs={costs}
          />
        ))}
      </div>
    </Section>
  );
}

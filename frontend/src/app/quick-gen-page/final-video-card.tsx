import { Clapperboard, Download, Loader2, Wand2 } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Progress } from "@/components/ui/progress";
import { Section } from "@/components/section";
import { VideoPlayer } from "@/components/video-player";
import { allClipsSettled, currentVideoIds, type GenState } from "@/lib/genState";

interface FinalVideoCardProps {
  state: GenState;
  hasSong: boolean;
  onRestitch: () => void;
}

/** Final Video: stitch progress or error, the video with Download, and Re-stitch. */
export function FinalVideoCard({ state, hasSong, onRestitch }: FinalVideoCardProps) {
  const final = state.final;
  const anyRunning = state.scenes.some((scene) => scene.clip.status === "running");
  const canStitch = currentVideoIds(state).length > 0 && !anyRunning;
  const clips = `${final.videoIds.length} ${final.videoIds.length === 1 ? "clip" : "clips"}`;
  return (
    <Section id="final-video" title="Final Video">
      {final.status === "idle" ? (
        <p className="text-muted-foreground" data-testid="final-waiting">
          {state.scenes.length > 0 && allClipsSettled(state) && currentVideoIds(state).length === 0
            ? "No clip succeeded, so there is nothing to stitch yet."
            : hasSong
              ? "The clips are stitched with the song as soon as they are all ready."
              : "The clips are stitched as soon as they are all ready."}
        </p>
      ) : null}
      {final.status === "running" ? (
        <div className="space-y-2" data-testid="final-stitching">
          <p className="flex items-center gap-2 text-sm text-muted-foreground">
            <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> Stitching {clips}…
          </p>
          <Progress value={Math.round(final.progress * 100)} aria-label="Stitching progress" />
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
            <span className="text-sm text-muted-foreground" data-testid="final-summary">
              {hasSong ? `${clips} with the song` : clips}
            </span>
            {final.draft ? (
              <Badge variant="warning" data-testid="final-draft">
                Draft
              </Badge>
            ) : null}
          </div>
          <VideoPlayer src={final.videoUrl} poster={final.posterUrl} label="Final video" className="w-full max-w-3xl" testId="final-video-player" />
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
          <Button variant="outline" onClick={onRestitch} disabled={!canStitch || final.status === "running"} data-testid="restitch">
            {final.status === "running" ? <Loader2 className="animate-spin" aria-hidden /> : <Wand2 aria-hidden />}
            Re-stitch with current clips
          </Button>
        ) : null}
      </div>
    </Section>
  );
}

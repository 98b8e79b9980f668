"use client";

import { AlertCircle, Loader2, Mic, RefreshCw } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Label } from "@/components/ui/label";
import { Progress } from "@/components/ui/progress";
import { Textarea } from "@/components/ui/textarea";
import { VideoPlayer } from "@/components/video-player";
import { currentClip, type SceneMusic, type SceneState } from "@/lib/genState";
import { useState } from "react";
import { ClipVersions } from "./clip-versions";

interface SceneCardProps {
  scene: SceneState;
  index: number;
  /** The part of the song this scene's clip plays over (seconds). */
  songWindow: { start_time: number; end_time: number };
  hasAudio: boolean;
  insideTrack: boolean;
  onEdit: (description: string) => void;
  onRegenerate: (withLipsync: boolean) => void;
  costs?: { clip: string | null; lipsync: string | null } | null;
}

/** One scene: its editable text, its current clip with live status, and regenerate/lipsync controls. */
export function SceneCard({ scene, index, songWindow, hasAudio, insideTrack, onEdit, onRegenerate, costs = null }: SceneCardProps) {
  const [lipsync, setLipsync] = useState(false);
  const clip = scene.clip;
  const current = currentClip(scene);
  const running = clip.status === "running";
  const lipsyncRunning = running && clip.operation === "lipsync";
  const lipsyncReason = !hasAudio
    ? "Lipsync needs an audio track; add one on the Create page."
    : !insideTrack
      ? "This scene starts after the end of the track, so there is nothing to lipsync to."
      : !current
        ? "Lipsync needs a clip first."
        : null;
  const useLipsync = lipsync && lipsyncReason === null;

  return (
    <Card
      data-testid="scene-card"
      data-scene-id={scene.id}
      data-video-id={current?.videoId ?? ""}
      data-status={clip.status}
      aria-busy={running}
    >
      <CardHeader className="flex-row items-center gap-2 pb-2">
        <h3 className="font-semibold">Scene {index + 1}</h3>
        <span className="text-xs text-muted-foreground tabular-nums" data-testid="scene-window">
          {formatSeconds(songWindow.start_time)}–{formatSeconds(songWindow.end_time)} s
        </span>
        <MusicFacts music={scene.music} />
        <div className="ml-auto flex items-center gap-2">
          {scene.music?.lipsyncSuggested ? (
            <Badge variant="outline" data-testid="lipsync-suggested" title="A voice sings in this scene's window: a good one to lipsync.">
              <Mic className="mr-1 h-3 w-3" aria-hidden />
              Suggested for lipsync
            </Badge>
          ) : null}
          {current?.kind === "lipsync" ? <Badge data-testid="clip-lipsynced">Lipsynced</Badge> : null}
          {current?.draft ? (
            <Badge variant="warning" data-testid="clip-draft">
              Draft
            </Badge>
          ) : null}
        </div>
      </CardHeader>
      <CardContent className="grid gap-4 md:grid-cols-2">
        <div className="space-y-2">
          <Label htmlFor={`scene-text-${scene.id}`}>Scene description</Label>
          {scene.music?.lyrics.length ? (
            <p className="text-xs italic text-muted-foreground" data-testid="scene-lyrics">
              {scene.music.lyrics.map((line) => `“${line}”`).join(" / ")}
            </p>
          ) : null}
          <Textarea
            id={`scene-text-${scene.id}`}
            data-testid="scene-text"
            className="min-h-[140px]"
            value={scene.description}
            disabled={running}
            onChange={(event) => onEdit(event.target.value)}
          />
        </div>
        <div className="space-y-3">
          {current ? (
            <VideoPlayer
              src={current.videoUrl}
              poster={current.posterUrl}
              label={`Scene ${index + 1} clip`}
              className="aspect-video w-full"
              testId="clip-player"
            />
          ) : (
            <div className="flex aspect-video w-full items-center justify-center rounded-md border border-dashed text-sm text-muted-foreground">
              {running ? "Generating the clip…" : clip.status === "failed" ? "No clip" : "Waiting…"}
            </div>
          )}
          {running ? (
            <div className="space-y-1" data-testid="clip-progress">
              <p className="flex items-center gap-2 text-sm text-muted-foreground">
                <Loader2 className="h-4 w-4 animate-spin" aria-hidden />
                {lipsyncRunning ? "Lipsyncing…" : current ? "Regenerating…" : "Generating…"}
                {clip.message ? <span className="truncate">{clip.message}</span> : null}
              </p>
              <Progress value={Math.round(clip.progress * 100)} aria-label={`Scene ${index + 1} clip progress`} />
            </div>
          ) : null}
          {clip.error ? (
            <p className="flex items-start gap-2 text-sm text-destructive" role="alert" data-testid="clip-error">
              <AlertCircle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
              {clip.error}
            </p>
          ) : null}
          <div className="flex flex-wrap items-center gap-3">
            <Button
              size="sm"
              variant={clip.status === "failed" ? "default" : "secondary"}
              disabled={running}
              onClick={() => onRegenerate(useLipsync)}
              data-testid="clip-regenerate"
            >
              <RefreshCw aria-hidden />
              {useLipsync ? "Regenerate with lipsync" : clip.status === "failed" && !current ? "Retry" : "Regenerate"}
            </Button>
            <div className="flex items-center gap-2">
              <Checkbox
                id={`lipsync-${scene.id}`}
                data-testid="clip-lipsync"
                checked={useLipsync}
                disabled={running || lipsyncReason !== null}
                onCheckedChange={(value) => setLipsync(value === true)}
                aria-describedby={lipsyncReason ? `lipsync-reason-${scene.id}` : undefined}
              />
              <Label htmlFor={`lipsync-${scene.id}`}>with lipsync</Label>
            </div>
            {costs && (useLipsync ? costs.lipsync : costs.clip) ? (
              <span className="text-xs text-muted-foreground" data-testid="clip-estimate">
                Estimated {useLipsync ? costs.lipsync : costs.clip}
              </span>
            ) : null}
          </div>
          {lipsyncReason && !running ? (
            <p id={`lipsync-reason-${scene.id}`} className="text-xs text-muted-foreground" data-testid="lipsync-reason">
              {lipsyncReason}
            </p>
          ) : null}
          <ClipVersions history={clip.history} />
        </div>
      </CardContent>
    </Card>
  );
}

function formatSeconds(seconds: number): string {
  return String(Math.round(seconds * 100) / 100);
}

const ENERGY_LABEL = { low: "Low energy", mid: "Mid energy", high: "High energy" } as const;

/** The scene's section, energy and vocals, when the plan was made for a song. */
function MusicFacts({ music }: { music: SceneMusic | undefined }) {
  if (!music || (music.section === null && music.energy === null && music.vocals === null)) return null;
  const section = music.section === null ? null : /^[A-Z]$/.test(music.section) ? `Section ${music.section}` : music.section;
  return (
    <span className="flex flex-wrap items-center gap-1 text-xs text-muted-foreground" data-testid="scene-music">
      {section ? <span data-testid="scene-section">{section}</span> : null}
      {music.energy ? (
        <span data-testid="scene-energy" data-energy={music.energy}>
          · {ENERGY_LABEL[music.energy]}
        </span>
      ) : null}
      {music.vocals !== null ? <span data-testid="scene-vocals">· {music.vocals ? "Vocals" : "Instrumental"}</span> : null}
    </span>
  );
}

import { Download, Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Progress } from "@/components/ui/progress";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { AudioTrack } from "@/components/audio-track";
import { SongAnalysisSummary } from "@/components/timeline/song-analysis-summary";
import { FieldError } from "@/components/field-error";
import { FilePicker } from "@/components/file-picker";
import { Section } from "@/components/section";
import type { CreateState } from "@/lib/createState";
import type { CreateUpdate } from "./use-create-session";
import type { useSong } from "./use-song";

interface AudioCardProps {
  state: CreateState;
  update: CreateUpdate;
  song: ReturnType<typeof useSong>;
  busy: boolean;
  audioError?: string;
}

/** Audio: upload a file or import from YouTube; the current track with its player. */
export function AudioCard({ state, update, song, busy, audioError }: AudioCardProps) {
  const error = song.error ?? audioError;
  return (
    <Section id="audio" title="Audio" description="The song the video is cut to. Import from YouTube or upload a file (up to 50 MB).">
      <Tabs value={state.audioSource} onValueChange={(value) => update({ audioSource: value === "youtube" ? "youtube" : "upload" })}>
        <TabsList>
          <TabsTrigger value="upload" data-testid="tab-upload">
            Upload File
          </TabsTrigger>
          <TabsTrigger value="youtube" data-testid="tab-youtube">
            YouTube URL
          </TabsTrigger>
        </TabsList>
        <TabsContent value="upload" className="space-y-2">
          <Label htmlFor="audio-upload">Audio file (mp3, wav, m4a…)</Label>
          <FilePicker
            id="audio-upload"
            accept="audio/*"
            buttonLabel={song.uploading ? "Uploading…" : "Choose a song"}
            fileName={song.uploadingName ?? state.audioFileName}
            disabled={busy}
            busy={song.uploading}
            invalid={Boolean(error)}
            describedBy={error ? "error-audio" : undefined}
            onFile={(file) => void song.upload(file)}
          />
        </TabsContent>
        <TabsContent value="youtube" className="space-y-2">
          <Label htmlFor="youtube-url">YouTube URL</Label>
          <div className="flex gap-2">
            <Input
              id="youtube-url"
              data-testid="youtube-url"
              placeholder="https://www.youtube.com/watch?v=…"
              value={state.youtubeUrl}
              aria-invalid={song.urlProblem ? true : undefined}
              aria-describedby={song.urlProblem ? "error-youtube-url" : undefined}
              onChange={(event) => {
                update({ youtubeUrl: event.target.value });
                song.clearUrlProblem();
              }}
            />
            <Button type="button" variant="secondary" onClick={() => void song.importFromYoutube()} disabled={busy} data-testid="youtube-import">
              {state.audioJobId ? <Loader2 className="animate-spin" aria-hidden /> : <Download aria-hidden />}
              Import
            </Button>
          </div>
          <FieldError id="error-youtube-url" message={song.urlProblem} />
        </TabsContent>
      </Tabs>
      {song.progress !== null ? (
        <div className="space-y-1" data-testid="audio-import-progress">
          <p className="text-sm text-muted-foreground">Importing audio…</p>
          <Progress value={Math.round(song.progress * 100)} aria-label="Import progress" />
        </div>
      ) : null}
      <FieldError id="error-audio" message={error} />
      {state.track ? (
        <>
          <AudioTrack audioId={state.track.audioId} audioUrl={state.track.audioUrl} title={state.track.title} duration={state.track.duration} />
          <SongAnalysisSummary audioId={state.track.audioId} />
        </>
      ) : (
        <p className="text-sm text-muted-foreground">No track yet. Without one, clips are silent and lipsync is off.</p>
      )}
    </Section>
  );
}

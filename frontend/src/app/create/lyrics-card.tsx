import { Loader2, Save } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { FieldError } from "@/components/field-error";
import { FilePicker } from "@/components/file-picker";
import { Section } from "@/components/section";
import { LYRICS_FILE_ACCEPT } from "@/lib/lyrics";
import { useLyrics } from "./use-lyrics";

const PLACEHOLDER = "[00:17.20]Hold on to the night\n[00:21.00]We are running\n\nor plain lines, one per lyric line";

/** Lyrics (optional): an .lrc/.txt file or pasted text, saved to the current song and timed there. */
export function LyricsCard({ audioId, busy }: { audioId: string; busy: boolean }) {
  const lyrics = useLyrics(audioId);
  const invalid = Boolean(lyrics.problem);
  return (
    <Section
      id="lyrics"
      title="Lyrics (optional)"
      description="LRC lines keep their timestamps; plain lines are laid over the song's vocal stretches. Lyrics shape the scenes and can go into the video as subtitles."
    >
      <div className="space-y-2">
        <Label htmlFor="lyrics-file">Lyrics file (.lrc or .txt)</Label>
        <FilePicker
          id="lyrics-file"
          accept={LYRICS_FILE_ACCEPT}
          buttonLabel="Choose a lyrics file"
          fileName={lyrics.fileName}
          disabled={lyrics.saving}
          onFile={(file) => void lyrics.chooseFile(file)}
        />
      </div>
      <div className="space-y-2">
        <Label htmlFor="lyrics-text">Lyrics text (LRC or plain)</Label>
        <Textarea
          id="lyrics-text"
          data-testid="lyrics-text"
          rows={6}
          className="font-mono"
          placeholder={PLACEHOLDER}
          value={lyrics.text}
          disabled={lyrics.saving}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={invalid ? "error-lyrics" : lyrics.outcome ? "lyrics-outcome" : undefined}
          onChange={(event) => lyrics.edit(event.target.value)}
        />
        <FieldError id="error-lyrics" message={lyrics.problem} />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" variant="secondary" data-testid="save-lyrics" disabled={busy || lyrics.saving} onClick={() => void lyrics.save()}>
          {lyrics.saving ? <Loader2 className="animate-spin" aria-hidden /> : <Save aria-hidden />}
          {lyrics.saving ? "Saving…" : "Save lyrics"}
        </Button>
        {lyrics.outcome ? (
          <p id="lyrics-outcome" role="status" className="text-sm text-muted-foreground" data-testid="lyrics-outcome">
            {lyrics.outcome.text}
          </p>
        ) : null}
      </div>
    </Section>
  );
}

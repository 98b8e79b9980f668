import type { SongAnalysis } from "@/lib/api/client";
import type { AnalysisStatus } from "@/lib/hooks/useSongAnalysis";
import { clock, sectionName } from "@/lib/timeline";

/** Tempo and the list of sections once the song is analysed; a short status before that. */
export function SongSummary({ analysis, status }: { analysis: SongAnalysis | null; status: AnalysisStatus }) {
  if (status === "running") {
    return (
      <p className="text-xs text-muted-foreground" role="status" data-testid="song-analysis-running">
        Listening to the song: tempo and sections appear when the analysis is done.
      </p>
    );
  }
  if (status === "failed") {
    return (
      <p className="text-xs text-muted-foreground" data-testid="song-analysis-failed">
        The song could not be analysed; scenes keep the 8 s grid.
      </p>
    );
  }
  if (!analysis) return null;
  return (
    <div className="space-y-1 text-sm" data-testid="song-analysis">
      <p>
        <span className="text-muted-foreground">Tempo: </span>
        <span className="font-medium tabular-nums" data-testid="song-tempo">
          {Math.round(analysis.tempo)} BPM
        </span>
        <span className="text-muted-foreground"> (4/4 assumed)</span>
      </p>
      <ol className="flex flex-wrap gap-1" aria-label="Sections of the song">
        {analysis.sections.map((section, i) => (
          <li key={i} className="rounded border px-1.5 py-0.5 text-xs tabular-nums" data-testid="song-section">
            {sectionName(section.label)} {clock(section.start)}–{clock(section.end)}
          </li>
        ))}
      </ol>
    </div>
  );
}

"use client";

import { useSongAnalysis, useWaveformPeaks } from "@/lib/hooks/useSongAnalysis";
import { BeatTicks } from "./beat-ticks";
import { LyricLines } from "./lyric-lines";
import { SceneBlocks } from "./scene-blocks";
import { SectionBands } from "./section-bands";
import { SongSummary } from "./song-summary";
import { Waveform } from "./waveform";

interface SongTimelineProps {
  audioId: string;
  /** The song's length when the page knows it; the analysis' length otherwise. */
  duration?: number | null;
  scenes: Array<{ start_time?: number | null; end_time?: number | null }>;
  onSelectScene: (index: number) => void;
}

/** The song laid out in time: sections, waveform with beat ticks, lyric lines and the scenes' windows. */
export function SongTimeline({ audioId, duration, scenes, onSelectScene }: SongTimelineProps) {
  const { analysis, status } = useSongAnalysis(audioId);
  const peaks = useWaveformPeaks(audioId);
  const length = analysis?.duration ?? duration ?? 0;
  if (!(length > 0)) return <SongSummary analysis={analysis} status={status} />;
  return (
    <figure className="space-y-1" aria-label="Song timeline" data-testid="song-timeline" data-status={status}>
      {analysis ? <SectionBands sections={analysis.sections} duration={length} /> : null}
      <div className="relative h-16 overflow-hidden rounded border bg-muted/40">
        <Waveform peaks={peaks} />
        {analysis ? <BeatTicks beats={analysis.beats} downbeats={analysis.downbeats} duration={length} /> : null}
      </div>
      {analysis?.lyrics ? <LyricLines lines={analysis.lyrics} duration={length} /> : null}
      <SceneBlocks scenes={scenes} duration={length} onSelect={onSelectScene} />
      <figcaption>
        <SongSummary analysis={analysis} status={status} />
      </figcaption>
    </figure>
  );
}

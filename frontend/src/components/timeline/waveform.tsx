import { waveformPath } from "@/lib/timeline";

const VIEW_WIDTH = 1000;
const VIEW_HEIGHT = 64;

/** The song's loudness over time, drawn from its peaks (decorative: the player and labels carry the meaning). */
export function Waveform({ peaks }: { peaks: number[] }) {
  return (
    <svg
      viewBox={`0 0 ${VIEW_WIDTH} ${VIEW_HEIGHT}`}
      preserveAspectRatio="none"
      className="absolute inset-0 h-full w-full text-muted-foreground"
      aria-hidden
      data-testid="timeline-waveform"
      data-peaks={peaks.length}
    >
      <path d={waveformPath(peaks, VIEW_WIDTH, VIEW_HEIGHT)} stroke="currentColor" strokeWidth={Math.max(1, (VIEW_WIDTH / Math.max(1, peaks.length)) * 0.6)} />
    </svg>
  );
}

import { beatTicks } from "@/lib/timeline";

/** A thin tick on every beat and a taller, darker one on every bar start. */
export function BeatTicks({ beats, downbeats, duration }: { beats: number[]; downbeats: number[]; duration: number }) {
  const ticks = beatTicks(beats, downbeats, duration);
  return (
    <div className="pointer-events-none absolute inset-0" aria-hidden data-testid="timeline-beats" data-count={ticks.length}>
      {ticks.map((tick, i) => (
        <span
          key={i}
          data-testid={tick.strong ? "timeline-downbeat" : "timeline-beat"}
          className={tick.strong ? "absolute bottom-0 top-0 w-0.5 bg-foreground/80" : "absolute bottom-0 h-1/3 w-px bg-foreground/50"}
          style={{ left: `${tick.left}%` }}
        />
      ))}
    </div>
  );
}

import { clock, lyricSpans } from "@/lib/timeline";

/** Lyric lines where they are sung; a line longer than its stretch is cut short on screen and read in full by its title. */
export function LyricLines({ lines, duration }: { lines: Array<{ start: number; end: number; text: string }>; duration: number }) {
  const spans = lyricSpans(lines, duration);
  if (spans.length === 0) return null;
  return (
    <ol className="relative h-5" aria-label="Lyrics" data-testid="timeline-lyrics">
      {spans.map((line, i) => (
        <li
          key={i}
          data-testid="timeline-lyric"
          className="absolute inset-y-0 truncate border-l-2 border-muted-foreground pl-1 text-xs italic leading-5 text-foreground"
          style={{ left: `${line.left}%`, width: `${Math.max(line.width, 1)}%` }}
          title={line.text}
        >
          <span className="sr-only">{clock(line.start)} </span>
          {line.text}
        </li>
      ))}
    </ol>
  );
}

import { clock, sectionBands } from "@/lib/timeline";

type SectionInput = { start: number; end: number; label: string };

// Dark bands with light text on the dark theme: every pair passes WCAG AA contrast.
const TONES = [
  "bg-sky-900 text-sky-50",
  "bg-amber-900 text-amber-50",
  "bg-emerald-900 text-emerald-50",
  "bg-rose-900 text-rose-50",
  "bg-violet-900 text-violet-50",
  "bg-zinc-700 text-zinc-50",
];

/** The song's sections as labelled bands; sections alike share a colour. */
export function SectionBands({ sections, duration }: { sections: SectionInput[]; duration: number }) {
  const bands = sectionBands(sections, duration);
  return (
    <ol className="relative h-6" aria-label="Sections" data-testid="timeline-sections">
      {bands.map((band, i) => (
        <li
          key={i}
          data-testid="timeline-section"
          data-label={band.label}
          className={`absolute inset-y-0 overflow-hidden whitespace-nowrap border-r border-background px-1 text-xs font-medium leading-6 ${TONES[band.tone]}`}
          style={{ left: `${band.left}%`, width: `${band.width}%` }}
          title={`${band.name}, ${clock(band.start)}–${clock(band.end)}`}
        >
          {band.name}
          <span className="sr-only">
            , {clock(band.start)} to {clock(band.end)}
          </span>
        </li>
      ))}
    </ol>
  );
}

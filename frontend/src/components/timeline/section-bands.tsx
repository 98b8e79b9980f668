import { clock, sectionBands } from "@/lib/timeline";

type SectionInput = { start: number; end: number; label: string };

// Light bands with dark text: every pair passes WCAG AA contrast.
const TONES = [
  "bg-sky-100 text-sky-950",
  "bg-amber-100 text-amber-950",
  "bg-emerald-100 text-emerald-950",
  "bg-rose-100 text-rose-950",
  "bg-violet-100 text-violet-950",
  "bg-slate-200 text-slate-950",
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
          className={`absolute inset-y-0 overflow-hidden whitespace-nowrap border-r border-white px-1 text-xs font-medium leading-6 ${TONES[band.tone]}`}
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

import { clock, sceneBlocks } from "@/lib/timeline";

type SceneWindow = { start_time?: number | null; end_time?: number | null };

/** One button per scene over its window of the song; choosing one takes the page to that scene's card. */
export function SceneBlocks({ scenes, duration, onSelect }: { scenes: SceneWindow[]; duration: number; onSelect: (index: number) => void }) {
  const blocks = sceneBlocks(scenes, duration);
  if (blocks.length === 0) return null;
  return (
    <ol className="relative h-8" aria-label="Scenes" data-testid="timeline-scenes">
      {blocks.map((block) => (
        <li key={block.index} className="absolute inset-y-0 p-px" style={{ left: `${block.left}%`, width: `${block.width}%` }}>
          <button
            type="button"
            data-testid="timeline-scene"
            data-index={block.index}
            onClick={() => onSelect(block.index)}
            aria-label={`Scene ${block.index + 1}, ${clock(block.start)} to ${clock(block.end)}: go to its card`}
            className="h-full w-full overflow-hidden rounded bg-primary text-xs font-semibold text-primary-foreground hover:bg-primary/90 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background"
          >
            {block.index + 1}
          </button>
        </li>
      ))}
    </ol>
  );
}

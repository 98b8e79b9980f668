import type { CharacterImage } from "@/lib/createState";
import { cn } from "@/lib/utils";

interface CharacterOptionsProps {
  images: CharacterImage[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}

/** The character images to pick from, as one radio group. */
export function CharacterOptions({ images, selectedId, onSelect }: CharacterOptionsProps) {
  if (images.length === 0) return null;
  return (
    <div role="radiogroup" aria-label="Character reference image" className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      {images.map((image, index) => {
        const selected = image.id === selectedId;
        return (
          <button
            key={image.id}
            type="button"
            role="radio"
            aria-checked={selected}
            aria-label={`Character option ${index + 1}`}
            data-testid="character-option"
            onClick={() => onSelect(image.id)}
            className={cn(
              "overflow-hidden rounded-md border-2 transition",
              selected ? "border-primary ring-2 ring-primary/40" : "border-transparent hover:border-border",
            )}
          >
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={image.url} alt={`Character option ${index + 1}`} className="aspect-square w-full object-cover" />
          </button>
        );
      })}
    </div>
  );
}

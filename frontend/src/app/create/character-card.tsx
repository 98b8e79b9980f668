import { ImagePlus, Loader2, Sparkles } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { FieldError } from "@/components/field-error";
import { Section } from "@/components/section";
import type { CreateState } from "@/lib/createState";
import { cn } from "@/lib/utils";
import { CharacterOptions } from "./character-options";
import type { CreateUpdate } from "./use-create-session";
import type { useCharacter } from "./use-character";

interface CharacterCardProps {
  state: CreateState;
  update: CreateUpdate;
  character: ReturnType<typeof useCharacter>;
  descriptionError?: string;
  characterError?: string;
  onDescription: (value: string) => void;
}

/** Character: the description every scene uses, and an optional reference image (generated or uploaded). */
export function CharacterCard({ state, update, character, descriptionError, characterError, onDescription }: CharacterCardProps) {
  const { busy, generating, uploading } = character;
  return (
    <Section id="character" title="Character" description="Who appears in every scene. Optionally pick or upload a reference image.">
      <Label htmlFor="character-description">Character description *</Label>
      <Textarea
        id="character-description"
        data-testid="character-description"
        placeholder="A lead singer in a silver jacket with short red hair"
        value={state.characterDescription}
        aria-invalid={descriptionError ? true : undefined}
        aria-describedby={descriptionError ? "error-character-description" : undefined}
        onChange={(event) => onDescription(event.target.value)}
      />
      <FieldError id="error-character-description" message={descriptionError} />
      <div className="flex flex-wrap items-center gap-2">
        <Button type="button" variant="secondary" onClick={() => void character.generate()} disabled={busy} data-testid="generate-character">
          {generating ? <Loader2 className="animate-spin" aria-hidden /> : <Sparkles aria-hidden />}
          {generating ? "Generating images…" : "Generate character images"}
        </Button>
        <Label
          htmlFor="character-upload"
          className={cn(
            "inline-flex h-9 cursor-pointer items-center gap-2 rounded-md border px-4 text-sm hover:bg-muted",
            busy && "pointer-events-none opacity-50",
          )}
        >
          {uploading ? <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> : <ImagePlus className="h-4 w-4" aria-hidden />}
          Upload an image
        </Label>
        <input
          id="character-upload"
          data-testid="character-upload"
          type="file"
          accept="image/png,image/jpeg,image/webp"
          className="sr-only"
          disabled={busy}
          onChange={(event) => {
            void character.upload(event.target.files?.[0]);
            event.target.value = "";
          }}
        />
        {state.selectedCharacterId ? (
          <Button type="button" variant="ghost" size="sm" onClick={() => update({ selectedCharacterId: null })}>
            Use no reference image
          </Button>
        ) : null}
      </div>
      <FieldError id="error-character" message={character.error ?? characterError} />
      <CharacterOptions
        images={state.characterImages}
        selectedId={state.selectedCharacterId}
        onSelect={(id) => update({ selectedCharacterId: id })}
      />
    </Section>
  );
}

import { RadioGroup, RadioGroupItem } from "@/components/ui/radio-group";
import { Section } from "@/components/section";
import type { GenerationMode } from "@/lib/quickJob";
import { cn } from "@/lib/utils";

interface GenerationModeCardProps {
  mode: GenerationMode;
  replicateAvailable: boolean;
  fullExplanation: string;
  onMode: (mode: GenerationMode) => void;
}

/** Generation Mode: offline drafts, or full quality when the server has a Replicate token. */
export function GenerationModeCard({ mode, replicateAvailable, fullExplanation, onMode }: GenerationModeCardProps) {
  return (
    <Section id="generation-mode" title="Generation Mode" description="Drafts are rendered offline in seconds and cost nothing.">
      <RadioGroup
        value={mode}
        onValueChange={(value) => onMode(value === "full" ? "full" : "draft")}
        className="grid gap-3 sm:grid-cols-2"
        aria-label="Generation Mode"
      >
        <label htmlFor="mode-draft" className={cn("flex cursor-pointer gap-3 rounded-md border p-3", mode === "draft" && "border-primary")}>
          <RadioGroupItem id="mode-draft" value="draft" className="mt-0.5" data-testid="mode-draft" />
          <span>
            <span className="block font-medium">Draft</span>
            <span className="block text-sm text-muted-foreground">Offline provider, free. Clips are labelled Draft.</span>
          </span>
        </label>
        <label
          htmlFor="mode-full"
          className={cn(
            "flex gap-3 rounded-md border p-3",
            replicateAvailable ? "cursor-pointer" : "cursor-not-allowed",
            mode === "full" && "border-primary",
          )}
        >
          <RadioGroupItem id="mode-full" value="full" className="mt-0.5" disabled={!replicateAvailable} data-testid="mode-full" />
          <span>
            <span className={cn("block font-medium", !replicateAvailable && "text-muted-foreground")}>Full quality</span>
            <span className="block text-sm text-muted-foreground" data-testid="mode-full-explanation">
              {fullExplanation}
            </span>
          </span>
        </label>
      </RadioGroup>
    </Section>
  );
}

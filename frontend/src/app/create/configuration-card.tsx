import { Loader2, Scissors } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Progress } from "@/components/ui/progress";
import { FlavorSelect } from "@/components/flavor-select";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { ASPECT_RATIOS, parseAspectRatio } from "@/lib/estimate";
import { CollapsibleSection } from "@/components/section";
import type { CreateState } from "@/lib/createState";
import type { FlavorState } from "@/lib/hooks/useBackendInfo";
import { cn } from "@/lib/utils";
import type { CreateUpdate } from "./use-create-session";
import type { useTrim } from "./use-trim";

interface ConfigurationCardProps {
  state: CreateState;
  update: CreateUpdate;
  flavorState: FlavorState;
  trim: ReturnType<typeof useTrim>;
  audioBusy: boolean;
  /** The ratios the flavor's models take, when the server has said (all three until then). */
  aspectRatios: readonly string[] | null;
  /** True while the first answer about this flavor's ratios is on its way: nothing to choose from yet. */
  aspectRatiosLoading: boolean;
}

/** Configuration (collapsed): Config Flavor, and Audio Start Position with Trim Audio. */
export function ConfigurationCard({ state, update, flavorState, trim, audioBusy, aspectRatios, aspectRatiosLoading }: ConfigurationCardProps) {
  const offered = ASPECT_RATIOS.filter((ratio) => !aspectRatios || aspectRatios.includes(ratio.value) || ratio.value === state.aspectRatio);
  const { trimming, maxStart, startAt, problem, message } = trim;
  return (
    <CollapsibleSection
      id="configuration"
      title="Configuration"
      summary={
        <span>
          Flavor: <span data-testid="config-summary-flavor">{state.configFlavor}</span> · Aspect ratio:{" "}
          <span data-testid="config-summary-aspect">{state.aspectRatio}</span>
        </span>
      }
    >
      <FlavorSelect value={state.configFlavor} onChange={(configFlavor) => update({ configFlavor })} state={flavorState} />
      <div className="space-y-2">
        <Label htmlFor="aspect-ratio">Aspect Ratio</Label>
        <Select value={state.aspectRatio} onValueChange={(value) => update({ aspectRatio: parseAspectRatio(value) })} disabled={aspectRatiosLoading}>
          <SelectTrigger id="aspect-ratio" aria-label="Aspect Ratio" data-testid="aspect-ratio" className="max-w-xs">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {offered.map((ratio) => (
              <SelectItem key={ratio.value} value={ratio.value} data-testid={`aspect-option-${ratio.value}`}>
                {ratio.label}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <p className="text-xs text-muted-foreground">
          Frame of the character images, clips and final video; only the ratios this flavor&apos;s models take are offered.
        </p>
      </div>
      <div className="space-y-2">
        <Label htmlFor="start-at">Audio Start Position (seconds)</Label>
        <div className="flex flex-wrap items-center gap-2">
          <Input
            id="start-at"
            data-testid="start-at"
            type="number"
            inputMode="numeric"
            min={0}
            max={maxStart ?? undefined}
            step={1}
            placeholder="0"
            className="w-32"
            value={state.startAt}
            disabled={!state.track || trimming}
            aria-invalid={problem ? true : undefined}
            aria-describedby="start-at-help"
            onChange={(event) => update({ startAt: event.target.value })}
          />
          <Button
            type="button"
            variant="secondary"
            data-testid="trim-audio"
            disabled={!state.track || trimming || audioBusy || startAt === null || startAt === 0}
            onClick={() => void trim.trim()}
          >
            {trimming ? <Loader2 className="animate-spin" aria-hidden /> : <Scissors aria-hidden />}
            {trimming ? "Trimming…" : "Trim Audio"}
          </Button>
        </div>
        {trimming ? <Progress value={undefined} className="max-w-xs animate-pulse" aria-label="Trimming" data-testid="trim-progress" /> : null}
        <p id="start-at-help" className={cn("text-xs", problem ? "text-destructive" : "text-muted-foreground")}>
          {state.track
            ? problem ?? "Cut this many seconds from the start of the track; the trimmed track replaces it."
            : "Add a track in Audio below to trim it."}
        </p>
        {message ? (
          <p className={cn("text-sm", message.ok ? "text-success" : "text-destructive")} data-testid="trim-message" role="status">
            {message.text}
          </p>
        ) : null}
      </div>
    </CollapsibleSection>
  );
}

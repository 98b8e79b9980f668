"use client";

import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import type { FlavorState } from "@/lib/hooks/useBackendInfo";

interface FlavorSelectProps {
  value: string;
  onChange: (flavor: string) => void;
  state: FlavorState;
  disabled?: boolean;
}

/** The "Config Flavor" select, with its loading state and fallback note. */
export function FlavorSelect({ value, onChange, state, disabled }: FlavorSelectProps) {
  return (
    <div className="space-y-2">
      <Label htmlFor="config-flavor">Config Flavor</Label>
      <Select value={value} onValueChange={onChange} disabled={disabled || state.loading}>
        <SelectTrigger id="config-flavor" aria-label="Config Flavor" data-testid="config-flavor" className="max-w-xs">
          <SelectValue placeholder={state.loading ? "Loading flavors…" : "default"} />
        </SelectTrigger>
        <SelectContent>
          {state.flavors.map((flavor) => (
            <SelectItem key={flavor} value={flavor} data-testid={`flavor-option-${flavor}`}>
              {flavor}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
      <p className="text-xs text-muted-foreground">
        {state.loading
          ? "Loading flavors…"
          : state.failed
            ? "Could not load the flavor list; using the default flavor."
            : "Prompts, models and parameters used for scenes, images, clips and lipsync."}
      </p>
    </div>
  );
}

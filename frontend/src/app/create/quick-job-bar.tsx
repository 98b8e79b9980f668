import { Loader2, Wand2 } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { GenerationMode } from "@/lib/quickJob";

interface QuickJobBarProps {
  mode: GenerationMode;
  navigating: boolean;
  hasErrors: boolean;
  onQuickJob: () => void;
}

/** The Quick Job button with the mode it will use and a note when fields need fixing. */
export function QuickJobBar({ mode, navigating, hasErrors, onQuickJob }: QuickJobBarProps) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button size="lg" onClick={onQuickJob} disabled={navigating} data-testid="quick-job">
        {navigating ? <Loader2 className="animate-spin" aria-hidden /> : <Wand2 aria-hidden />}
        Quick Job
      </Button>
      <Badge variant={mode === "draft" ? "warning" : "default"} data-testid="mode-badge">
        {mode === "draft" ? "Draft" : "Full quality"}
      </Badge>
      {hasErrors ? (
        <p className="text-sm text-destructive" role="alert" data-testid="quick-job-errors">
          Fix the highlighted fields first.
        </p>
      ) : null}
    </div>
  );
}

import { Loader2 } from "lucide-react";
import { estimateLines, formatUsd, overCap } from "@/lib/estimate";
import type { EstimateState } from "@/lib/hooks/useEstimate";

/** The estimated cost of a paid run, step by step, with what the daily cap leaves. */
export function EstimatePanel({ state, what }: { state: EstimateState; what: string }) {
  const { estimate, loading, error } = state;
  if (error) {
    return (
      <p className="text-sm text-destructive" role="alert" data-testid="estimate-error">
        {error}
      </p>
    );
  }
  if (!estimate) {
    return loading ? (
      <p className="flex items-center gap-2 text-sm text-muted-foreground" data-testid="estimate-loading">
        <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> Estimating the cost…
      </p>
    ) : null;
  }
  return (
    <div className="rounded-md border p-3 text-sm" data-testid="estimate" aria-live="polite">
      <p className="font-medium">
        Estimated cost of {what}: <span data-testid="estimate-total">{formatUsd(estimate.total_usd)}</span>
      </p>
      <ul className="mt-1 list-disc pl-5 text-muted-foreground">
        {estimateLines(estimate).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {estimate.left_today_usd != null ? (
        <p className={overCap(estimate) ? "mt-1 text-destructive" : "mt-1 text-muted-foreground"} data-testid="estimate-cap">
          The daily cap ({formatUsd(estimate.cap_usd_per_day ?? 0)}) leaves {formatUsd(estimate.left_today_usd)}
          {overCap(estimate) ? ": this run would be refused." : "."}
        </p>
      ) : null}
    </div>
  );
}

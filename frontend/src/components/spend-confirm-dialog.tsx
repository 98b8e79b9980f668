"use client";

import { useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { estimateLines, formatUsd, type Estimate } from "@/lib/estimate";

interface SpendConfirmDialogProps {
  /** The estimate to confirm; null keeps the dialog closed. */
  estimate: Estimate | null;
  action: string;
  onCancel: () => void;
  onConfirm: () => void;
}

/** A modal confirmation before a paid run above MV_CONFIRM_ABOVE_USD (the browser's own dialog: focus and Escape). */
export function SpendConfirmDialog({ estimate, action, onCancel, onConfirm }: SpendConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (estimate !== null && !dialog.open) dialog.showModal();
    if (estimate === null && dialog.open) dialog.close();
  }, [estimate]);
  return (
    <dialog
      ref={ref}
      aria-labelledby="spend-confirm-title"
      aria-describedby="spend-confirm-description"
      onCancel={onCancel}
      className="max-w-lg rounded-lg border bg-card p-6 text-card-foreground backdrop:bg-black/60"
      data-testid="spend-confirm-dialog"
    >
      <h2 id="spend-confirm-title" className="text-lg font-semibold">
        {action} for about <span data-testid="spend-confirm-total">{estimate ? formatUsd(estimate.total_usd) : ""}</span>?
      </h2>
      <div id="spend-confirm-description" className="mt-2 space-y-1 text-sm text-muted-foreground">
        <p>This uses the real models on Replicate; the estimate is above {estimate ? formatUsd(estimate.confirm_above_usd) : ""}.</p>
        <ul className="list-disc pl-5">
          {estimate ? estimateLines(estimate).map((line) => <li key={line}>{line}</li>) : null}
        </ul>
      </div>
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="outline" onClick={onCancel} autoFocus data-testid="spend-cancel">
          Cancel
        </Button>
        <Button onClick={onConfirm} data-testid="spend-confirm">
          Start
        </Button>
      </div>
    </dialog>
  );
}

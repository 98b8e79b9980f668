"use client";

import { useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";

interface DeleteDialogProps {
  title: string | null;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}

/** A modal confirmation before a project and its media are deleted (the browser's own dialog: focus and Escape). */
export function DeleteDialog({ title, busy, onCancel, onConfirm }: DeleteDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (title !== null && !dialog.open) dialog.showModal();
    if (title === null && dialog.open) dialog.close();
  }, [title]);
  return (
    <dialog
      ref={ref}
      aria-labelledby="delete-title"
      aria-describedby="delete-description"
      onCancel={onCancel}
      className="rounded-lg border bg-card p-6 text-card-foreground backdrop:bg-black/60"
      data-testid="delete-dialog"
    >
      <h2 id="delete-title" className="text-lg font-semibold">
        Delete “{title}”?
      </h2>
      <p id="delete-description" className="mt-2 text-sm text-muted-foreground">
        Its clips and final videos are removed from this server and its storage. Media another project uses is kept.
      </p>
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="outline" onClick={onCancel} disabled={busy} autoFocus>
          Cancel
        </Button>
        <Button variant="destructive" onClick={onConfirm} disabled={busy} data-testid="confirm-delete">
          Delete
        </Button>
      </div>
    </dialog>
  );
}

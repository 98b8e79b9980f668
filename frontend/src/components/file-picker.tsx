import { Upload } from "lucide-react";
import { cn } from "@/lib/utils";

interface FilePickerProps {
  id: string;
  accept: string;
  buttonLabel: string;
  fileName: string | null;
  disabled?: boolean;
  busy?: boolean;
  invalid?: boolean;
  describedBy?: string;
  onFile: (file: File | undefined) => void;
}

/** A file input drawn as a button, with the chosen file's name beside it. */
export function FilePicker({ id, accept, buttonLabel, fileName, disabled, busy, invalid, describedBy, onFile }: FilePickerProps) {
  return (
    <div
      className={cn(
        "flex items-center gap-3 rounded-md border border-input px-2 py-1.5 focus-within:ring-2 focus-within:ring-ring",
        invalid && "border-destructive",
        disabled && "opacity-50",
      )}
    >
      <label
        htmlFor={id}
        className={cn(
          "inline-flex h-7 shrink-0 cursor-pointer items-center gap-2 rounded-md bg-secondary px-3 text-sm font-medium hover:bg-secondary/80",
          disabled && "pointer-events-none",
        )}
      >
        <Upload className={cn("h-4 w-4", busy && "animate-bounce text-primary")} aria-hidden />
        {buttonLabel}
      </label>
      <span className="truncate text-sm text-muted-foreground" data-testid={`${id}-name`}>
        {fileName ?? "No file chosen"}
      </span>
      <input
        id={id}
        data-testid={id}
        type="file"
        accept={accept}
        className="sr-only"
        disabled={disabled}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy}
        onChange={(event) => {
          onFile(event.target.files?.[0]);
          event.target.value = "";
        }}
      />
    </div>
  );
}

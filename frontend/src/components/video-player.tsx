import { cn } from "@/lib/utils";

interface VideoPlayerProps {
  src: string;
  poster?: string | null;
  className?: string;
  testId: string;
  label: string;
}

/** A video with sound and controls, showing its poster frame until it plays. */
export function VideoPlayer({ src, poster, className, testId, label }: VideoPlayerProps) {
  return (
    <video
      key={src}
      src={src}
      poster={poster ?? undefined}
      controls
      preload="metadata"
      aria-label={label}
      className={cn("rounded-md border bg-black", className)}
      data-testid={testId}
    />
  );
}

import { Music } from "lucide-react";
import { formatDuration } from "@/lib/format";

interface AudioTrackProps {
  audioId: string;
  audioUrl: string;
  title: string;
  duration: number | null | undefined;
  testId?: string;
}

/** A track: title, duration and a player served through the same origin. */
export function AudioTrack({ audioId, audioUrl, title, duration, testId = "audio-track" }: AudioTrackProps) {
  return (
    <div className="space-y-2 rounded-md border bg-muted/30 p-3" data-testid={testId} data-audio-id={audioId}>
      <div className="flex items-center gap-2 text-sm">
        <Music className="h-4 w-4 text-primary" aria-hidden />
        <span className="font-medium" data-testid={`${testId}-title`}>
          {title}
        </span>
        <span className="ml-auto tabular-nums text-muted-foreground" data-testid={`${testId}-duration`}>
          {formatDuration(duration)}
        </span>
      </div>
      <audio key={audioUrl} controls preload="metadata" src={audioUrl} className="w-full" data-testid={`${testId}-player`} />
    </div>
  );
}

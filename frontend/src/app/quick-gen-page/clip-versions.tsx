import type { ClipVersion } from "@/lib/genState";

/** Every version a scene's clip has had, oldest first (shown once there is more than one). */
export function ClipVersions({ history }: { history: ClipVersion[] }) {
  if (history.length < 2) return null;
  return (
    <details className="text-xs text-muted-foreground" data-testid="clip-history">
      <summary className="cursor-pointer">
        Version {history.length} of {history.length}
      </summary>
      <ol className="mt-1 list-decimal space-y-0.5 pl-5">
        {history.map((version) => (
          <li key={version.videoId} data-testid="clip-version" data-video-id={version.videoId}>
            <a className="underline" href={version.videoUrl} target="_blank" rel="noreferrer">
              {version.kind === "lipsync" ? "lipsync" : "generated"} · {version.videoId.slice(0, 8)}
            </a>
          </li>
        ))}
      </ol>
    </details>
  );
}

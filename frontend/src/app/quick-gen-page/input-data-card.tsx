import { AudioTrack } from "@/components/audio-track";
import { CollapsibleSection } from "@/components/section";
import type { QuickJobData } from "@/lib/quickJob";

function Field({ label, children, wide = false }: { label: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "space-y-1 sm:col-span-2" : "space-y-1"}>
      <dt className="text-sm text-muted-foreground">{label}</dt>
      {children}
    </div>
  );
}

/** Input Data (open): what the create page handed over. */
export function InputDataCard({ jobData, flavor, timeline }: { jobData: QuickJobData; flavor: string; timeline?: React.ReactNode }) {
  return (
    <CollapsibleSection id="input-data" title="Input Data" defaultOpen>
      <dl className="grid gap-4 sm:grid-cols-2">
        <Field label="Video Description">
          <dd data-testid="input-video-description">{jobData.videoDescription}</dd>
        </Field>
        <Field label="Character">
          <dd data-testid="input-character-description">{jobData.characterDescription || "—"}</dd>
        </Field>
        <Field label="Config Flavor">
          <dd data-testid="input-config-flavor">{flavor}</dd>
        </Field>
        <Field label="Aspect Ratio">
          <dd data-testid="input-aspect-ratio">{jobData.aspectRatio ?? "16:9"}</dd>
        </Field>
        <Field label="Generation Mode">
          <dd data-testid="input-generation-mode">
            {jobData.generationMode === "draft" ? "Draft (offline, free)" : "Full quality (Replicate)"}
          </dd>
        </Field>
        <Field label="Character Reference">
          <dd>
            {jobData.characterReferenceImageId ? (
              // eslint-disable-next-line @next/next/no-img-element
              <img
                src={`/api/mv/get_character_reference/${jobData.characterReferenceImageId}`}
                alt="Character reference"
                className="h-24 w-24 rounded-md border object-cover"
                data-testid="input-character-image"
              />
            ) : (
              <span className="text-muted-foreground">None (the description guides the clips)</span>
            )}
          </dd>
        </Field>
        <Field label="Audio Track" wide>
          <dd className="space-y-1">
            {jobData.audioId ? (
              <>
                <AudioTrack
                  audioId={jobData.audioId}
                  audioUrl={jobData.audioUrl ?? `/api/audio/get/${jobData.audioId}`}
                  title={jobData.audioTitle ?? "Audio track"}
                  duration={jobData.audioDuration}
                  testId="input-audio"
                />
                {timeline}
                {jobData.audioStartAt ? (
                  <p className="text-xs text-muted-foreground" data-testid="input-audio-start">
                    Audio trimmed from: {jobData.audioStartAt} seconds
                  </p>
                ) : null}
              </>
            ) : (
              <span className="text-muted-foreground">No audio: clips are silent and lipsync is unavailable.</span>
            )}
          </dd>
        </Field>
      </dl>
    </CollapsibleSection>
  );
}

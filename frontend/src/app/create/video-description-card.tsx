import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { FieldError } from "@/components/field-error";
import { Section } from "@/components/section";

interface VideoDescriptionCardProps {
  value: string;
  error?: string;
  onChange: (value: string) => void;
}

/** Video Description: what the video should show (required). */
export function VideoDescriptionCard({ value, error, onChange }: VideoDescriptionCardProps) {
  return (
    <Section id="video-description" title="Video Description">
      <Label htmlFor="video-description">What should the video show? *</Label>
      <Textarea
        id="video-description"
        data-testid="video-description"
        placeholder="A neon-lit city at night; the singer walks through rain as the chorus builds…"
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "error-video-description" : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      <FieldError id="error-video-description" message={error} />
    </Section>
  );
}

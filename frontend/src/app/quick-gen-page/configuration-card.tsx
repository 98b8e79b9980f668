import { Alert, AlertDescription } from "@/components/ui/alert";
import { FlavorSelect } from "@/components/flavor-select";
import { CollapsibleSection } from "@/components/section";
import type { FlavorState } from "@/lib/hooks/useBackendInfo";

interface ConfigurationCardProps {
  flavor: string;
  flavorState: FlavorState;
  flavorNote: string | null;
  onFlavor: (flavor: string) => void;
}

/** Configuration (collapsed): the flavor used by every request from now on. */
export function ConfigurationCard({ flavor, flavorState, flavorNote, onFlavor }: ConfigurationCardProps) {
  return (
    <>
      <CollapsibleSection id="configuration" title="Configuration" summary={<span>Flavor: {flavor}</span>}>
        <FlavorSelect value={flavor} onChange={onFlavor} state={flavorState} />
        <p className="text-xs text-muted-foreground">Applies to every request made from now on (scenes, clips, lipsync).</p>
      </CollapsibleSection>
      {flavorNote ? (
        <Alert variant="warning" data-testid="flavor-note">
          <AlertDescription>{flavorNote}</AlertDescription>
        </Alert>
      ) : null}
    </>
  );
}

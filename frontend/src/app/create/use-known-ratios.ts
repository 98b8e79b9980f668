import { useEffect, useState } from "react";

/** The ratios the chosen flavor's models take, kept while a newer estimate is on its way; null until the server has said. */
export function useKnownRatios(flavor: string, latest: readonly string[] | undefined): readonly string[] | null {
  const [known, setKnown] = useState<{ flavor: string; ratios: readonly string[] } | null>(null);
  useEffect(() => {
    if (latest) setKnown({ flavor, ratios: latest });
  }, [flavor, latest]);
  if (latest) return latest;
  return known?.flavor === flavor ? known.ratios : null;
}

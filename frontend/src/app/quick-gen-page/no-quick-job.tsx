import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";

/** Shown when the page opens without a quick job in this tab. */
export function NoQuickJob() {
  return (
    <Card data-testid="no-quick-job">
      <CardHeader>
        <CardTitle>No quick job yet</CardTitle>
      </CardHeader>
      <CardContent className="space-y-3">
        <p className="text-muted-foreground">Describe your video and add a song on the Create page, then press Quick Job.</p>
        <Button asChild>
          <Link href="/create">Go to Create</Link>
        </Button>
      </CardContent>
    </Card>
  );
}

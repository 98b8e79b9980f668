import Link from "next/link";
import { Copy, Film, Trash2 } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDuration } from "@/lib/format";
import type { ProjectSummary } from "@/lib/projects";

interface ProjectRowProps {
  project: ProjectSummary;
  busy: boolean;
  onDuplicate: () => void;
  onDelete: () => void;
}

function formatCost(usd: number | null | undefined): string {
  return usd === null || usd === undefined ? "—" : `$${usd.toFixed(2)}`;
}

function formatDate(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** One past project: poster, title, facts, and open / duplicate / delete. */
export function ProjectRow({ project, busy, onDuplicate, onDelete }: ProjectRowProps) {
  const facts: [string, string][] = [
    ["Duration", formatDuration(project.duration)],
    ["Flavor", project.config_flavor ?? "default"],
    ["Cost", formatCost(project.cost_usd)],
    ["Created", formatDate(project.created_at)],
  ];
  return (
    <li className="flex flex-wrap items-center gap-4 rounded-lg border bg-card p-4" data-testid="project-row" data-project-id={project.id}>
      {project.poster_url ? (
        // eslint-disable-next-line @next/next/no-img-element -- same-origin media route, no optimisation wanted
        <img src={project.poster_url} alt={`Poster of ${project.title}`} className="h-20 w-32 rounded object-cover" />
      ) : (
        <div className="flex h-20 w-32 items-center justify-center rounded bg-muted" aria-hidden>
          <Film className="h-6 w-6 text-muted-foreground" />
        </div>
      )}
      <div className="min-w-0 flex-1 space-y-1">
        <h2 className="truncate text-lg font-semibold" data-testid="project-title">
          {project.title}
        </h2>
        <div className="flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
          <Badge variant={project.mode === "draft" ? "warning" : "default"}>{project.mode === "draft" ? "Draft" : "Full quality"}</Badge>
          <span>{project.aspect_ratio}</span>
          <dl className="flex flex-wrap gap-x-4">
            {facts.map(([name, value]) => (
              <div key={name} className="flex gap-1">
                <dt>{name}:</dt>
                <dd className="text-foreground">{value}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
      <div className="flex gap-2">
        <Button asChild size="sm">
          <Link href={`/quick-gen-page?project=${project.id}`} aria-label={`Open ${project.title}`}>
            Open
          </Link>
        </Button>
        <Button size="sm" variant="outline" onClick={onDuplicate} disabled={busy} aria-label={`Duplicate ${project.title}`}>
          <Copy aria-hidden /> Duplicate
        </Button>
        <Button size="sm" variant="outline" onClick={onDelete} disabled={busy} aria-label={`Delete ${project.title}`}>
          <Trash2 aria-hidden /> Delete
        </Button>
      </div>
    </li>
  );
}

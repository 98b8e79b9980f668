"use client";

import * as React from "react";
import { ChevronRight } from "lucide-react";
import { Card, CardContent, CardDescription, CardHeader } from "@/components/ui/card";
import { Collapsible, CollapsibleContent, CollapsibleTrigger } from "@/components/ui/collapsible";
import { cn } from "@/lib/utils";

interface SectionProps {
  id: string;
  title: string;
  description?: string;
  children: React.ReactNode;
  className?: string;
  actions?: React.ReactNode;
}

/** A titled card section. */
export function Section({ id, title, description, children, className, actions }: SectionProps) {
  return (
    <Card data-testid={`section-${id}`} aria-labelledby={`${id}-title`} role="region" className={className}>
      <CardHeader>
        <div className="flex items-center justify-between gap-2">
          <h2 id={`${id}-title`} className="text-lg font-semibold leading-none tracking-tight">
            {title}
          </h2>
          {actions}
        </div>
        {description ? <CardDescription>{description}</CardDescription> : null}
      </CardHeader>
      <CardContent className="space-y-4">{children}</CardContent>
    </Card>
  );
}

interface CollapsibleSectionProps extends SectionProps {
  defaultOpen?: boolean;
  summary?: React.ReactNode;
}

/** A card section whose body opens and closes from its header (closed unless told otherwise). */
export function CollapsibleSection({ id, title, description, children, className, defaultOpen = false, summary }: CollapsibleSectionProps) {
  const [open, setOpen] = React.useState(defaultOpen);
  return (
    <Collapsible open={open} onOpenChange={setOpen} asChild>
      <Card data-testid={`section-${id}`} role="region" aria-labelledby={`${id}-title`} className={className}>
        <CardHeader className="p-0">
          <CollapsibleTrigger
            className="flex w-full items-center gap-2 rounded-lg p-5 text-left hover:bg-muted/40 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            data-testid={`${id}-toggle`}
          >
            <ChevronRight className={cn("h-4 w-4 transition-transform", open && "rotate-90")} aria-hidden />
            <span id={`${id}-title`} className="text-lg font-semibold leading-none tracking-tight">
              {title}
            </span>
            {!open && summary ? <span className="ml-auto text-sm text-muted-foreground">{summary}</span> : null}
          </CollapsibleTrigger>
        </CardHeader>
        <CollapsibleContent>
          <CardContent className="space-y-4">
            {description ? <CardDescription>{description}</CardDescription> : null}
            {children}
          </CardContent>
        </CollapsibleContent>
      </Card>
    </Collapsible>
  );
}

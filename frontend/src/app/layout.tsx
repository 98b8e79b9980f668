import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";

export const metadata: Metadata = {
  title: "Encore — music videos from a song and an idea",
  description: "Turn a song and an idea into a music video.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" className="dark">
      <body className="min-h-screen antialiased">
        <header className="border-b">
          <nav className="mx-auto flex max-w-5xl items-center gap-6 px-4 py-3 text-sm">
            <Link href="/create" className="text-base font-bold tracking-tight">
              <span className="text-primary-text" aria-hidden>●</span> Encore
            </Link>
            <Link href="/create" className="text-muted-foreground hover:text-foreground">
              Create
            </Link>
            <Link href="/quick-gen-page" className="text-muted-foreground hover:text-foreground">
              Quick job
            </Link>
            <Link href="/projects" className="text-muted-foreground hover:text-foreground">
              Projects
            </Link>
          </nav>
        </header>
        <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
      </body>
    </html>
  );
}

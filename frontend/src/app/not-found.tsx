import Link from "next/link";

export default function NotFound() {
  return (
    <div className="space-y-2 py-16 text-center">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <Link className="text-primary-text underline" href="/create">
        Go to Create
      </Link>
    </div>
  );
}

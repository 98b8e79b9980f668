/** An inline message under a field, announced when it appears. */
export function FieldError({ id, message }: { id: string; message?: string | null }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="text-sm text-destructive-text" data-testid={id}>
      {message}
    </p>
  );
}

export function QuickGenPage() { return <div>Quick job</div>; }

import { useEffect, useState, type ReactNode } from "react";

/**
 * Renders `fallback` on the server and during hydration, then `children` once mounted: for
 * components that read browser globals while rendering.
 */
export function ClientOnly({ children, fallback }: { children: () => ReactNode; fallback: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return <>{mounted ? children() : fallback}</>;
}
